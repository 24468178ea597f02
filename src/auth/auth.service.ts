import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { createHash, randomBytes } from 'node:crypto';
import { IsNull } from 'typeorm';
import { Actor, assertUnscoped } from '../common/actor';
import { RateLimiter } from '../common/rate-limiter';
import { ConflictError, InvalidRequestError, UnauthenticatedError } from '../common/errors';
import { requestContext } from '../common/request-context';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { UnitOfWork } from '../database/unit-of-work';
import { nowIso } from '../common/clock';
import { Fund } from '../funds/fund.entity';
import { FundsService } from '../funds/funds.service';
import { CreateUserDto } from './dto';
import { hashPassword, verifyPassword } from './password';
import { Session, User } from './user.entity';

export interface LoginResult {
  token: string;
  expiresAt: string;
  user: { username: string; role: User['role']; fundCode: string | null };
}

export const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

@Injectable()
export class AuthService implements OnApplicationBootstrap {
  private readonly logger = new Logger('Auth');
  private readonly throttle: RateLimiter;

  constructor(
    private readonly uow: UnitOfWork,
    private readonly funds: FundsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.throttle = new RateLimiter(config.loginAttemptsPerMinute, 'failed logins');
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
    const throttleKey = `${username}|${address}`;
    // Counted before the (slow) password check, so parallel guesses cannot slip past the limit.
    this.throttle.hit(throttleKey);
    const user = await this.uow.manager.findOne(User, { where: { username, status: 'active' } });
    if (!user || !(await verifyPassword(password, user.passwordHash))) {
      throw new UnauthenticatedError('invalid username or password');
    }
    this.throttle.reset(throttleKey);

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
    await this.uow.write((tx) =>
      tx.update(Session, { id: sessionId, revokedAt: IsNull() }, { revokedAt: nowIso() }),
    );
  }

  /** The actor behind a bearer token, or a 401 when the token is unknown, revoked or expired. */
  async authenticate(token: string): Promise<{ actor: Actor; sessionId: number }> {
    const session = await this.uow.manager.findOne(Session, {
      where: { tokenHash: sha256(token), revokedAt: IsNull() },
    });
    if (!session || session.expiresAt <= nowIso())
      throw new UnauthenticatedError('the token is unknown, expired or revoked; log in again');
    const user = await this.uow.manager.findOne(User, { where: { id: session.userId, status: 'active' } });
    if (!user) throw new UnauthenticatedError('the user of this token is disabled');
    let fundScope: ReadonlySet<string> | null = null;
    if (user.fundId !== null) {
      const fund = await this.uow.manager.findOneByOrFail(Fund, { id: user.fundId });
      fundScope = new Set((await this.funds.withDescendants(this.uow.manager, fund.code)).map((f) => f.code));
    }
    return {
      actor: { userId: user.id, username: user.username, role: user.role, fundScope },
      sessionId: session.id,
    };
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

  async listUsers(
    actor: Actor,
  ): Promise<
    { id: number; username: string; role: User['role']; fundCode: string | null; status: string }[]
  > {
    assertUnscoped(actor, 'list every user');
    const users = await this.uow.manager.find(User, {
      relations: { fund: true },
      order: { username: 'ASC' },
    });
    return users.map((u) => ({
      id: u.id,
      username: u.username,
      role: u.role,
      fundCode: u.fund?.code ?? null,
      status: u.status,
    }));
  }
}
