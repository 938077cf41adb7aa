import { Field, ObjectType } from '@nestjs/graphql';

/** Who the caller is, from the token: GET /me's answer. */
@ObjectType('Me')
export class MeModel {
  @Field()
  sub!: string;

  @Field({ nullable: true })
  username?: string;

  @Field({ description: 'The accepted realm whose token this is' })
  realm!: string;

  @Field(() => [String])
  realmRoles!: string[];

  @Field(() => [String])
  clientRoles!: string[];

  @Field(() => [String])
  scopes!: string[];
}
