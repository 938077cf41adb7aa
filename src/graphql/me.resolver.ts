import { Query, Resolver } from '@nestjs/graphql';
import { CurrentUser, type AuthPrincipal } from 'nest-keycloak-auth';
import { MeModel } from './me.model.js';

/** `me`: any valid token (the global guard), nothing more. */
@Resolver(() => MeModel)
export class MeResolver {
  @Query(() => MeModel, { nullable: true, description: "The caller's identity, from the token" })
  me(@CurrentUser() user: AuthPrincipal): MeModel {
    return {
      sub: user.sub,
      username: user.username,
      realm: user.realm,
      realmRoles: [...user.realmRoles],
      clientRoles: [...user.clientRoles],
      scopes: [...user.scopes],
    };
  }
}
