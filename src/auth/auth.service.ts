import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleInit } from '@nestjs/common';
import { createHash, randomBytes } from 'node:crypto';
import { DataSource, EntityManager, IsNull } from 'typeorm';
import { Actor, assertUnscoped } from '../common/actor';
import {
  BusinessRuleError,
  ConflictError,
  InvalidRequestError,
  NotFoundError,
  UnauthenticatedError,
} from '../common/errors';
import { requestContext } from '../common/request-context';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { DATA_SOURCE, UnitOfWork } from '../database/unit-of-work';
import { nowIso } from '../common/clock';
import { Fund } from '../funds/fund.entity';
import { FundsService } from '../funds/funds.service';
import { ChangeOwnPasswordDto, ChangeUserRoleDto, CreateUserDto } from './dto';
import { LoginThrottle } from './login-throttle';
import { hashPassword, verifyPassword } from './password';
import { passwordProblem } from './password-policy';
import { CachedSession, SessionCache } from './session-cache';
import { Session, User } from './user.entity';

export interface UserView {
  id: number;
  username: string;
  role: User['role'];
  fundCode: string | null;
  status: User['status'];
}

export interface LoginResult {
  token: string;
  expiresAt: string;
  user: { username: string; role: User['role']; fundCode: string | null };
}

export const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

@Injectable()
export class AuthService implements OnModuleInit, OnApplicationBootstrap {
  private readonly logger = new Logger('Auth');
  private throttle: LoginThrottle;
  /**
   * A hash of a random password with the same scrypt parameters as real ones: an unknown or disabled user is
   * checked against it, so that the answer takes as long as for a real user and timing does not tell them apart.
   */
  private dummyHash: string;
  /** Token lookups, kept briefly; every write below that ends a session or changes a user empties it. */
  private readonly sessions = new SessionCache();

  constructor(
    private readonly uow: UnitOfWork,
    private readonly funds: FundsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
  ) {}

  async onModuleInit(): Promise<void> {
    this.throttle = await LoginThrottle.create(this.config, this.dataSource);
    this.dummyHash = await hashPassword(randomBytes(16).toString('base64url'));
  }

  /** First start: with no users at all, create `admin` (password from ADMIN_PASSWORD, or a random one logged once). */
  async onApplicationBootstrap(): Promise<void> {
    if ((await this.uow.manager.count(User)) > 0) return;
    const password = this.config.adminPassword ?? randomBytes(12).toString('base64url');
    await this.uow.write(async (tx) => {
      if ((await tx.count(User)) > 0) return;
      await tx.insert(User, {
        username: 'admin',
        passwordHash: await hashPassword(password),
        role: 'admin',
        fundId: null,
        status: 'active',
        createdAt: nowIso(),
      });
    }, 'first start: create user admin');
    if (this.config.adminPassword)
      this.logger.log('created the first user "admin" with the password from ADMIN_PASSWORD');
    // Printed once, on purpose: nobody could log in otherwise.
    else
      this.logger.warn(
        `created the first user "admin" with the generated password: ${password} (shown only once)`,
      );
  }

  async login(username: string, password: string, address: string): Promise<LoginResult> {
    // Counted before the (slow) password check, so parallel guesses cannot slip past the limit.
    await this.throttle.attempt(username, address);
    const user = await this.uow.manager.findOne(User, { where: { username, status: 'active' } });
    // Always one scrypt: against the user's hash, or the dummy one when there is no such (active) user.
    const right = await verifyPassword(password, user?.passwordHash ?? this.dummyHash);
    if (!user || !right) throw new UnauthenticatedError('invalid username or password');
    await this.throttle.succeeded(username, address);

    const context = requestContext.get();
    if (context)
      context.actor = { userId: user.id, username: user.username, role: user.role, fundScope: null };
    const token = randomBytes(32).toString('base64url');
    const createdAt = nowIso();
    const expiresAt = new Date(Date.now() + this.config.sessionTtlHours * 3_600_000).toISOString();
    await this.uow.write((tx) =>
      tx.insert(Session, {
        userId: user.id,
        tokenHash: sha256(token),
        createdAt,
        expiresAt,
        revokedAt: null,
      }),
    );
    const fund = user.fundId === null ? null : await this.uow.manager.findOneBy(Fund, { id: user.fundId });
    return {
      token,
      expiresAt,
      user: { username: user.username, role: user.role, fundCode: fund?.code ?? null },
    };
  }

  async logout(sessionId: number): Promise<void> {
    await this.revoking((tx) =>
      tx.update(Session, { id: sessionId, revokedAt: IsNull() }, { revokedAt: nowIso() }),
    );
  }

  /** The actor behind a bearer token, or a 401 when the token is unknown, revoked or expired. */
  async authenticate(token: string): Promise<{ actor: Actor; sessionId: number }> {
    const { sessionId, user } = await this.session(sha256(token));
    // The scope is read on every request: a fund created under the user's is theirs at once.
    let fundScope: ReadonlySet<string> | null = null;
    if (user.fundId !== null) {
      const fund = await this.uow.manager.findOneByOrFail(Fund, { id: user.fundId });
      fundScope = new Set((await this.funds.withDescendants(this.uow.manager, fund.code)).map((f) => f.code));
    }
    return {
      actor: { userId: user.id, username: user.username, role: user.role, fundScope },
      sessionId,
    };
  }

  /** The live session and active user behind a token hash: from the cache, or read and then cached. */
  private async session(tokenHash: string): Promise<CachedSession> {
    const cached = this.sessions.get(tokenHash);
    if (cached && cached.expiresAt > nowIso()) return cached;
    const generation = this.sessions.begin();
    const session = await this.uow.manager.findOne(Session, { where: { tokenHash, revokedAt: IsNull() } });
    if (!session || session.expiresAt <= nowIso())
      throw new UnauthenticatedError('the token is unknown, expired or revoked; log in again');
    const user = await this.uow.manager.findOne(User, { where: { id: session.userId, status: 'active' } });
    if (!user) throw new UnauthenticatedError('the user of this token is disabled');
    const found: CachedSession = {
      sessionId: session.id,
      expiresAt: session.expiresAt,
      user: { id: user.id, username: user.username, role: user.role, fundId: user.fundId },
    };
    this.sessions.set(tokenHash, found, generation);
    return found;
  }

  /** A write that ends sessions or changes a user: once it has committed (or failed), no token lookup is kept. */
  private async revoking<T>(fn: (tx: EntityManager) => Promise<T>): Promise<T> {
    try {
      return await this.uow.write(fn);
    } finally {
      this.sessions.invalidate();
    }
  }

  createUser(
    actor: Actor,
    dto: CreateUserDto,
  ): Promise<{ id: number; username: string; role: User['role']; fundCode: string | null }> {
    assertUnscoped(actor, 'create users');
    return this.uow.write(async (tx) => {
      if (await tx.findOne(User, { where: { username: dto.username } }))
        throw new ConflictError(`user ${dto.username} already exists`);
      let fundId: number | null = null;
      if (dto.fundCode !== undefined) {
        const fund = await tx.findOne(Fund, { where: { code: dto.fundCode } });
        if (!fund) throw new InvalidRequestError(`fundCode ${dto.fundCode} is not a known fund`);
        fundId = fund.id;
      }
      const problem = passwordProblem(dto.password, dto.username);
      if (problem) throw new InvalidRequestError(problem);
      const inserted = await tx.insert(User, {
        username: dto.username,
        passwordHash: await hashPassword(dto.password),
        role: dto.role,
        fundId,
        status: 'active',
        createdAt: nowIso(),
      });
      const id = (inserted.identifiers[0] as { id: number }).id;
      return { id, username: dto.username, role: dto.role, fundCode: dto.fundCode ?? null };
    });
  }

  async listUsers(actor: Actor): Promise<UserView[]> {
    assertUnscoped(actor, 'list every user');
    const users = await this.uow.manager.find(User, {
      relations: { fund: true },
      order: { username: 'ASC' },
    });
    return users.map(userView);
  }

  /** Disables a user and ends every session of theirs at once; they can no longer log in. */
  disableUser(actor: Actor, id: number): Promise<UserView & { sessionsRevoked: number }> {
    assertUnscoped(actor, 'disable users');
    if (id === actor.userId) throw new BusinessRuleError('an admin may not disable their own account');
    return this.revoking(async (tx) => {
      const user = await this.userById(tx, id);
      await tx.update(User, { id }, { status: 'disabled' });
      const sessionsRevoked = await revokeSessions(tx, id);
      return { ...userView({ ...user, status: 'disabled' }), sessionsRevoked };
    });
  }

  enableUser(actor: Actor, id: number): Promise<UserView> {
    assertUnscoped(actor, 'enable users');
    return this.uow.write(async (tx) => {
      const user = await this.userById(tx, id);
      await tx.update(User, { id }, { status: 'active' });
      return userView({ ...user, status: 'active' });
    });
  }

  /** An admin sets another user's password (the user forgot it): their sessions end at once. */
  resetPassword(
    actor: Actor,
    id: number,
    newPassword: string,
  ): Promise<UserView & { sessionsRevoked: number }> {
    assertUnscoped(actor, "reset other users' passwords");
    if (id === actor.userId)
      throw new BusinessRuleError('change your own password with POST /api/auth/password');
    return this.revoking(async (tx) => {
      const user = await this.userById(tx, id);
      const problem = passwordProblem(newPassword, user.username);
      if (problem) throw new InvalidRequestError(problem.replace(/^password/, 'newPassword'));
      await tx.update(User, { id }, { passwordHash: await hashPassword(newPassword) });
      return { ...userView(user), sessionsRevoked: await revokeSessions(tx, id) };
    });
  }

  /**
   * Gives a user another role, or another fund scope (null: every fund). It applies from the user's next request:
   * each request reads the role and scope afresh. The audit row keeps what they were before. An admin may not
   * change their own role, so that the last admin cannot lock everyone out of the users page.
   */
  changeRole(
    actor: Actor,
    id: number,
    dto: ChangeUserRoleDto,
  ): Promise<UserView & { previous: { role: User['role']; fundCode: string | null } }> {
    assertUnscoped(actor, "change other users' roles");
    if (id === actor.userId) throw new BusinessRuleError('an admin may not change their own role or fund');
    return this.revoking(async (tx) => {
      const user = await this.userById(tx, id);
      let fund: Fund | null = null;
      if (dto.fundCode) {
        fund = await tx.findOne(Fund, { where: { code: dto.fundCode } });
        if (!fund) throw new InvalidRequestError(`fundCode ${dto.fundCode} is not a known fund`);
      }
      await tx.update(User, { id }, { role: dto.role, fundId: fund?.id ?? null });
      const context = requestContext.get();
      const previous = { role: user.role, fundCode: user.fund?.code ?? null };
      // The audit row records the request body; say also what the user was before the change.
      if (context) context.auditDetails = { request: context.auditDetails ?? null, previous };
      return { ...userView({ ...user, role: dto.role, fund }), previous };
    });
  }

  /** Ends every session of a user (a lost laptop): their tokens answer 401 from now on. */
  revokeAllSessions(actor: Actor, id: number): Promise<UserView & { sessionsRevoked: number }> {
    assertUnscoped(actor, "end other users' sessions");
    return this.revoking(async (tx) => {
      const user = await this.userById(tx, id);
      return { ...userView(user), sessionsRevoked: await revokeSessions(tx, id) };
    });
  }

  /**
   * A user changes their own password, proving the current one (counted like a failed login when wrong). Every
   * session of theirs ends, this one included: they log in again with the new password.
   */
  async changeOwnPassword(
    actor: Actor,
    dto: ChangeOwnPasswordDto,
    address: string,
  ): Promise<{ username: string; sessionsRevoked: number }> {
    if (actor.userId === null) throw new UnauthenticatedError('log in to change your password');
    await this.throttle.attempt(actor.username, address);
    const user = await this.userById(this.uow.manager, actor.userId);
    if (!(await verifyPassword(dto.currentPassword, user.passwordHash)))
      throw new InvalidRequestError('currentPassword is not your current password');
    await this.throttle.succeeded(actor.username, address);
    const problem = passwordProblem(dto.newPassword, user.username);
    if (problem) throw new InvalidRequestError(problem.replace(/^password/, 'newPassword'));
    if (dto.newPassword === dto.currentPassword)
      throw new InvalidRequestError('newPassword must differ from currentPassword');
    return this.revoking(async (tx) => {
      await tx.update(User, { id: user.id }, { passwordHash: await hashPassword(dto.newPassword) });
      return { username: user.username, sessionsRevoked: await revokeSessions(tx, user.id) };
    });
  }

  private async userById(manager: EntityManager, id: number): Promise<User> {
    const user = await manager.findOne(User, { where: { id }, relations: { fund: true } });
    if (!user) throw new NotFoundError(`user ${id} does not exist`);
    return user;
  }
}

function userView(user: User): UserView {
  return {
    id: user.id,
    username: user.username,
    role: user.role,
    fundCode: user.fund?.code ?? null,
    status: user.status,
  };
}

/** Revokes every live session of a user; the count of those ended. */
async function revokeSessions(tx: EntityManager, userId: number): Promise<number> {
  const live = await tx.count(Session, { where: { userId, revokedAt: IsNull() } });
  await tx.update(Session, { userId, revokedAt: IsNull() }, { revokedAt: nowIso() });
  return live;
}
