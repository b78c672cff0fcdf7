import crypto from 'node:crypto';
import type { DataSource } from 'typeorm';
import { type Caller } from '../auth/caller';
import type { LoginThrottle } from '../auth/login-throttle';
import { hashPassword, verifyPassword } from '../auth/password';
import { Action, authorize } from '../auth/policy';
import type { TokenService } from '../auth/token.service';
import { LIMITS } from '../common/limits';
import { badInput, conflict, DomainError, notFound, unauthenticated } from '../common/errors';
import { parseId } from '../common/ids';
import type { UnitOfWork } from '../db/unit-of-work';
import { UserTopic } from './user.topics';
import type { Logger } from '../observability/logger';
import type { CreateUserInput } from './create-user.input';
import { lockUserForChange } from './user-lock';
import { UserRole } from './user-role.enum';
import { User } from './user.entity';
import type { UpdateUserInput } from './update-user.input';

// Compared against when the email is unknown, so that a login takes as long either way.
const DUMMY_HASH = 'scrypt$32768$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';

/** People and integrations: creating and changing them, logging in, passwords, the first admin. */
export class UserService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly uow: UnitOfWork,
    private readonly tokens: TokenService,
    private readonly throttle: LoginThrottle,
    private readonly log: Logger,
  ) {}

  /**
   * Checks a password and issues a login token. Failures are limited per
   * email and per client address (`LoginThrottle`); a deactivated account is
   * refused even with the right password, and that counts as a failure.
   */
  async login(email: string, password: string, clientIp: string | undefined): Promise<{ token: string; user: User }> {
    await this.throttle.attempt(email, clientIp);
    return this.countingWrongPasswordsOnly(email, clientIp, async () => {
      const user = await this.dataSource
        .getRepository(User)
        .createQueryBuilder('u')
        .where('lower(u.email) = lower(:email)', { email: email.trim() })
        .getOne();
      // No password is longer than createUser allows: refuse longer ones without feeding megabytes to scrypt.
      const ok = password.length <= LIMITS.password.max && (await verifyPassword(password, user?.passwordHash ?? DUMMY_HASH));
      if (!user || !user.passwordHash || !ok) throw unauthenticated('Invalid email or password');
      // Said only to someone who knows the password, so it reveals nothing to a guesser.
      if (user.deactivatedAt) throw unauthenticated('this account has been deactivated; ask an admin to reactivate it');
      await this.throttle.succeeded(email, clientIp);
      return { token: await this.tokens.sign(user.id, user.sessionGeneration), user };
    });
  }

  /**
   * Runs a password check whose attempt the throttle has counted. A refusal
   * (a DomainError: wrong password, deactivated) keeps the count; anything
   * else is our failure, such as the database being down, and gives the
   * points back: five logins during an outage must not lock the admin out
   * once the database returns.
   */
  private async countingWrongPasswordsOnly<R>(email: string, clientIp: string | undefined, check: () => Promise<R>): Promise<R> {
    try {
      return await check();
    } catch (error) {
      if (!(error instanceof DomainError)) await this.throttle.abandoned(email, clientIp);
      throw error;
    }
  }

  /**
   * ADMIN only: clears the failed-login lockouts of a person, from every
   * address, so that they can log in at once (their password is unchanged).
   */
  async unlockUser(caller: Caller | null, id: string): Promise<User> {
    authorize(caller, Action.ManageUsers);
    const user = await this.dataSource.getRepository(User).findOne({ where: { id: parseId(id, 'user id') } });
    if (!user) throw notFound('user', id);
    await this.throttle.unlock(user.email);
    this.log.info({ userId: user.id, by: caller?.userId }, 'login lockout cleared');
    return user;
  }

  /**
   * Changes the caller's own password and ends every other session: tokens
   * carry the user's session generation, which this increments. Returns a
   * fresh token. A wrong current password is BAD_USER_INPUT (not
   * UNAUTHENTICATED: the session itself is fine, and clients log out on
   * UNAUTHENTICATED) and counts as a failed login for the throttle.
   */
  async changePassword(
    caller: Caller | null,
    currentPassword: string,
    newPassword: string,
    clientIp: string | undefined,
  ): Promise<{ token: string; user: User }> {
    const me = authorize(caller, Action.ChangeOwnPassword);
    const user = await this.dataSource.getRepository(User).findOneOrFail({ where: { id: me.userId } });
    if (!user.passwordHash) throw badInput('this user has no password to change');
    await this.throttle.attempt(user.email, clientIp);
    await this.countingWrongPasswordsOnly(user.email, clientIp, async () => {
      const correct = currentPassword.length <= LIMITS.password.max && (await verifyPassword(currentPassword, user.passwordHash!));
      if (!correct) throw badInput('currentPassword is incorrect');
      await this.throttle.succeeded(user.email, clientIp);
    });
    if (newPassword === currentPassword) throw badInput('newPassword must differ from the current password');
    const passwordHash = await hashPassword(newPassword);
    const updated = await this.uow.run(async (tx) => {
      const result = await tx.manager
        .getRepository(User)
        .createQueryBuilder()
        .update()
        .set({ passwordHash, sessionGeneration: () => 'session_generation + 1' })
        .where('id = :id', { id: user.id })
        // Compare-and-set: the current password was checked outside the transaction, so a change
        // that landed meanwhile must not be overwritten by a second one that checked the old password.
        .andWhere('password_hash = :checked', { checked: user.passwordHash })
        .execute();
      if (!result.affected) throw conflict('the password was changed by another request meanwhile; sign in again');
      tx.publish(UserTopic.Changed, { userId: user.id, sessionsEnded: true, roleChanged: false });
      return tx.manager.getRepository(User).findOneOrFail({ where: { id: user.id } });
    });
    this.log.info({ userId: user.id }, 'password changed; other sessions ended');
    return { token: await this.tokens.sign(updated.id, updated.sessionGeneration), user: updated };
  }

  async createUser(caller: Caller | null, input: CreateUserInput): Promise<User> {
    authorize(caller, Action.ManageUsers);
    return this.insert({ ...input, email: input.email.trim(), name: input.name.trim() });
  }

  /**
   * An admin changes a person's name or role, or deactivates or reactivates
   * them. There is always an active admin left, and nobody deactivates
   * themself. Deactivation ends the user's sessions everywhere (see
   * AuthService.authenticate and UserTopic.Changed); reactivation does not bring
   * old tokens back.
   */
  async updateUser(caller: Caller | null, id: string, input: UpdateUserInput): Promise<User> {
    const admin = authorize(caller, Action.ManageUsers);
    const name = input.name?.trim();
    if (input.name != null && !name) throw badInput('name must not be empty');
    return this.uow.run(async (tx) => {
      const { user, activeAdmins } = await lockUserForChange(tx.manager, id);
      if (user.isIntegration) {
        throw badInput(`${user.name} is the service user of an API token; manage it with createApiToken and revokeApiToken`);
      }
      const deactivate = input.deactivated === true && !user.deactivatedAt;
      const reactivate = input.deactivated === false && !!user.deactivatedAt;
      const role = input.role ?? user.role;
      if (deactivate && user.id === admin.userId) throw badInput('you cannot deactivate yourself; ask another admin');
      const wasActiveAdmin = user.role === UserRole.ADMIN && !user.deactivatedAt;
      if (wasActiveAdmin && (role !== UserRole.ADMIN || deactivate) && activeAdmins <= 1) {
        throw conflict(`${user.name} is the last active admin; make someone else ADMIN first`);
      }
      const roleChanged = role !== user.role;
      if (!name && !roleChanged && !deactivate && !reactivate) return user;
      await tx.manager
        .getRepository(User)
        .createQueryBuilder()
        .update()
        .set({
          ...(name ? { name } : {}),
          role,
          ...(deactivate ? { deactivatedAt: () => 'now()', sessionGeneration: () => 'session_generation + 1' } : {}),
          ...(reactivate ? { deactivatedAt: null } : {}),
        })
        .where('id = :id', { id: user.id })
        .execute();
      if (deactivate || roleChanged) tx.publish(UserTopic.Changed, { userId: user.id, sessionsEnded: deactivate, roleChanged });
      return tx.manager.getRepository(User).findOneOrFail({ where: { id: user.id } });
    });
  }

  /**
   * Active or deactivated people, by name. Never integration users (they
   * are listed by `apiTokens`), though timelines still show their names.
   */
  async list(caller: Caller | null, which: { deactivated: boolean }): Promise<User[]> {
    authorize(caller, Action.Read);
    const qb = this.dataSource.getRepository(User).createQueryBuilder('u').where('NOT u.is_integration');
    qb.andWhere(which.deactivated ? 'u.deactivated_at IS NOT NULL' : 'u.deactivated_at IS NULL');
    return qb.orderBy('u.name', 'ASC').addOrderBy('u.id', 'ASC').getMany();
  }

  /**
   * Creates the first admin when there are no users yet. Without a configured
   * password one is generated and logged once: it is the only way in.
   */
  async bootstrapAdmin(email: string, configuredPassword: string | undefined): Promise<void> {
    const repo = this.dataSource.getRepository(User);
    if ((await repo.count()) > 0) return;
    const password = configuredPassword ?? crypto.randomBytes(12).toString('base64url');
    try {
      await this.insert({ email, name: 'Administrator', password, role: UserRole.ADMIN });
    } catch (error) {
      // Another instance bootstrapped at the same moment.
      if ((error as { code?: string }).code === 'CONFLICT') return;
      throw error;
    }
    if (configuredPassword) {
      this.log.info({ email }, 'created the first admin from BOOTSTRAP_ADMIN_EMAIL / BOOTSTRAP_ADMIN_PASSWORD');
    } else {
      // Printed once, deliberately outside the JSON log's redaction, so a new user can log in.
      this.log.warn(`first admin created: email ${email} password ${password} (shown once; change it or set BOOTSTRAP_ADMIN_PASSWORD)`);
    }
  }

  private async insert(fields: { email: string; name: string; password: string; role: UserRole }): Promise<User> {
    if (!fields.name) throw badInput('name must not be empty');
    const repo = this.dataSource.getRepository(User);
    const user = repo.create({
      email: fields.email.toLowerCase(),
      name: fields.name,
      role: fields.role,
      passwordHash: await hashPassword(fields.password),
      isIntegration: false,
    });
    try {
      return await repo.save(user);
    } catch (error) {
      if ((error as { code?: string }).code === '23505') throw conflict(`a user with email ${user.email} already exists`);
      throw error;
    }
  }
}
