import { Field, ObjectType } from 'type-graphql';
import { User } from '../../users/user.entity';
import { IncidentRole } from './incident-role.enum';

@ObjectType({ description: 'Who holds a role now. Undelegated roles are held by the commander (delegated: false).' })
export class RoleAssignment {
  @Field(() => IncidentRole)
  role!: IncidentRole;

  @Field(() => User)
  holder!: User;

  @Field()
  delegated!: boolean;

  @Field()
  assignedAt!: Date;
}

@ObjectType({ description: 'One stint of one person in one role: the record of every delegation and handoff.' })
export class RoleStint {
  @Field(() => IncidentRole)
  role!: IncidentRole;

  @Field(() => User)
  holder!: User;

  @Field(() => User, { nullable: true, description: 'Who made the assignment.' })
  assignedBy!: User | null;

  @Field()
  assignedAt!: Date;

  @Field(() => Date, { nullable: true, description: 'When the stint ended; null while it lasts.' })
  relievedAt!: Date | null;
}
