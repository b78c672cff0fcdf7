import { registerEnumType } from 'type-graphql';

export enum Audience {
  INTERNAL = 'INTERNAL',
  EXTERNAL = 'EXTERNAL',
}

registerEnumType(Audience, { name: 'Audience' });
