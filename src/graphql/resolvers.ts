import { ItemsResolver } from './items.resolver.js';
import { MeResolver } from './me.resolver.js';

/** Every resolver of the schema: the module provides them, schema-main.ts prints them. */
export const RESOLVERS = [ItemsResolver, MeResolver];
