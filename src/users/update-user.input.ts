import { IsBoolean, IsEnum, IsNotEmpty, IsOptional, MaxLength } from 'class-validator';
import { Field, InputType } from 'type-graphql';
import { LIMITS } from '../common/limits';
import { UserRole } from './user-role.enum';

/** What an admin may change about a person; omitted fields stay as they are. */
@InputType()
export class UpdateUserInput {
  @Field({ nullable: true })
  @IsOptional()
  @IsNotEmpty({ message: 'name must not be empty' })
  @MaxLength(LIMITS.name)
  name?: string;

  @Field(() => UserRole, { nullable: true })
  @IsOptional()
  @IsEnum(UserRole)
  role?: UserRole;

  @Field({ nullable: true, description: 'true deactivates (the user can no longer log in and their sessions end); false reactivates.' })
  @IsOptional()
  @IsBoolean()
  deactivated?: boolean;
}
