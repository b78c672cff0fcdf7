import { Length } from 'class-validator';
import { ArgsType, Field } from 'type-graphql';
import { LIMITS } from '../common/limits';

/** The arguments of `changePassword`; the new password follows createUser's length rules. */
@ArgsType()
export class ChangePasswordArgs {
  @Field()
  currentPassword!: string;

  @Field()
  @Length(LIMITS.password.min, LIMITS.password.max, {
    message: `newPassword must be between ${LIMITS.password.min} and ${LIMITS.password.max} characters`,
  })
  newPassword!: string;
}
