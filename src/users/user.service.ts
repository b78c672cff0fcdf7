import crypto from 'node:crypto';
import type { DataSource } from 'typeorm';
import { type Caller } from '../auth/caller';
import { hashPassword, verifyPassword } from '../auth/password';
import { Action, authorize } from '../auth/policy';
import type { TokenService } from '../auth/token.service';
import { badInput, conflict, unauthenticated } from '../common/errors';
import type { Logger } from '../observability/logger';
import type { CreateUserInput } from './create-user.input';
import { UserRole } from './user-role.enum';
import { User } from './user.entity';

// Compared against when the email is unknown, so that a login takes as long either way.
const DUMMY_HASH = 'scrypt$32768$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';

/** People and integrations: creating them, logging in, the first admin. */
export class UserService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly tokens: TokenService,
    private readonly log: Logger,
  ) {}

  async login(email: string, password: string): Promise<{ token: string; user: User }> {
    const user = await this.dataSource
      .getRepository(User)
      .createQueryBuilder('u')
      .where('lower(u.email) = lower(:email)', { email })
      .getOne();
    const ok = await verifyPassword(password, user?.passwordHash ?? DUMMY_HASH);
    if (!user || !user.passwordHash || !ok) throw unauthenticated('Invalid email or password');
    return { token: await this.tokens.sign(user.id), user };
  }

  async createUser(caller: Caller | null, input: CreateUserInput): Promise<User> {
    authorize(caller, Action.ManageUsers);
    return this.insert({ ...input, email: input.email.trim(), name: input.name.trim() });
  }

  async list(caller: Caller | null): Promise<User[]> {
    authorize(caller, Action.Read);
    return this.dataSource.getRepository(User).find({ order: { name: 'ASC', id: 'ASC' } });
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
