import { IsEmail, IsNotEmpty, Length, MaxLength } from 'class-validator';
import { Field, InputType } from 'type-graphql';
import { LIMITS } from '../common/limits';
import { UserRole } from './user-role.enum';

@InputType()
export class CreateUserInput {
  @Field()
  @IsEmail({}, { message: 'email must be an email address' })
  @MaxLength(LIMITS.email)
  email!: string;

  @Field()
  @IsNotEmpty()
  @MaxLength(LIMITS.name)
  name!: string;

  @Field()
  @Length(LIMITS.password.min, LIMITS.password.max, {
    message: `password must be between ${LIMITS.password.min} and ${LIMITS.password.max} characters`,
  })
  password!: string;

  @Field(() => UserRole)
  role!: UserRole;
}
