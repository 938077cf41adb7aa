import type { Item } from '../src/items/item.entity.js';

/** How many items the bench's `GET /items` answers with, on every instance. */
export const BENCH_ITEM_COUNT = 20;

/** alice's `sub` in the Keycloak stand-in (nest-keycloak-auth/testing's DEMO_USERS). */
const ALICE_SUB = '5d1a0c8e-1f2b-4c3d-8e4f-a1b2c3d4e5f6';

/** The name of the bench's item `id`: the database instances are seeded with the same names. */
export const benchItemName = (id: number): string => `Bench item ${id}`;

/**
 * The `GET /items` body of the ceiling and of the API instances without I/O (bench/api-no-io.ts):
 * items shaped as the API returns them (src/items/item.entity.ts), as alice would have created
 * them, so both kinds of server send the same bytes. A constant, built once per process.
 */
export const BENCH_ITEMS: readonly Item[] = Array.from({ length: BENCH_ITEM_COUNT }, (_, i) => ({
  id: i + 1,
  name: benchItemName(i + 1),
  owner: ALICE_SUB,
  createdAt: '2026-12-01T10:00:00.000Z',
  updatedAt: '2026-12-01T10:00:00.000Z',
  version: 1,
}));
