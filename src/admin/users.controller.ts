import { Body, Controller, Get, Param, Post, Req, Res, UseFilters } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { assertUnscoped, ROLES, type Actor } from '../common/actor';
import { IgnoresIdempotencyKey, Public } from '../common/decorators';
import { ForbiddenError } from '../common/errors';
import { ChangeUserRoleDto, CreateUserDto, ResetPasswordDto } from '../auth/dto';
import { AdminErrorsFilter } from './admin-errors.filter';
import { parseId } from './contributions.controller';
import { checkDto, emptyErrors, FormErrors, hasErrors, refusal, text } from './forms';
import { tFor } from './i18n';
import { AdminServices } from './services';
import { AdminRequest, AdminViews, langOf, requireActor } from './views';

function requireAdmin(req: AdminRequest): Actor {
  const actor = requireActor(req);
  if (actor.role !== 'admin') throw new ForbiddenError(`role ${actor.role} may not manage users`);
  assertUnscoped(actor, 'manage users');
  return actor;
}

/**
 * Users (admin): create, disable and enable, reset a password, end every session; through AuthService, like the
 * API's /api/users routes; and change a user's role and fund scope (POST /api/users/:id/role).
 */
@ApiExcludeController()
@Public()
@Controller('admin/users')
@UseFilters(AdminErrorsFilter)
export class AdminUsersController {
  constructor(
    private readonly views: AdminViews,
    private readonly services: AdminServices,
  ) {}

  @Get()
  async list(@Req() req: AdminRequest, @Res() res: Response) {
    requireAdmin(req);
    await this.render(req, res, {});
  }

  @Post()
  @IgnoresIdempotencyKey()
  async create(@Req() req: AdminRequest, @Res() res: Response, @Body() body: Record<string, unknown>) {
    const actor = requireAdmin(req);
    const form = {
      username: text(body, 'username'),
      role: text(body, 'role'),
      fundCode: text(body, 'fundCode'),
    };
    const plain: Record<string, unknown> = {
      username: form.username,
      password: text(body, 'password'),
      role: form.role,
    };
    if (form.fundCode) plain.fundCode = form.fundCode;
    const errors = emptyErrors();
    const dto = await checkDto(CreateUserDto, plain, errors);
    if (hasErrors(errors)) return this.render(req, res, { form }, errors, 400);
    try {
      await this.services.auth.createUser(actor, dto);
      return res.redirect(303, '/admin/users?done=created');
    } catch (error) {
      const refused = refusal(error, ['username', 'password', 'role', 'fundCode']);
      if (!refused) throw error;
      return this.render(req, res, { form }, refused.errors, refused.status);
    }
  }

  @Post(':id/:action')
  @IgnoresIdempotencyKey()
  async act(
    @Req() req: AdminRequest,
    @Res() res: Response,
    @Param('id') rawId: string,
    @Param('action') action: string,
    @Body() body: Record<string, unknown>,
  ) {
    const actor = requireAdmin(req);
    const id = parseId(rawId, 'user');
    const errors = emptyErrors();
    try {
      if (action === 'disable') await this.services.auth.disableUser(actor, id);
      else if (action === 'enable') await this.services.auth.enableUser(actor, id);
      else if (action === 'revoke') await this.services.auth.revokeAllSessions(actor, id);
      else if (action === 'password') {
        const dto = await checkDto(ResetPasswordDto, { newPassword: text(body, 'newPassword') }, errors);
        if (hasErrors(errors)) return this.render(req, res, {}, errors, 400);
        await this.services.auth.resetPassword(actor, id, dto.newPassword);
      } else if (action === 'role') {
        const plain = { role: text(body, 'role'), fundCode: text(body, 'fundCode') || null };
        const dto = await checkDto(ChangeUserRoleDto, plain, errors);
        if (hasErrors(errors)) return this.render(req, res, {}, errors, 400);
        await this.services.auth.changeRole(actor, id, dto);
      } else return res.redirect(303, '/admin/users');
      return res.redirect(303, `/admin/users?done=${action}`);
    } catch (error) {
      const refused = refusal(error, ['newPassword', 'role', 'fundCode']);
      if (!refused) throw error;
      return this.render(req, res, {}, refused.errors, refused.status);
    }
  }

  private async render(
    req: AdminRequest,
    res: Response,
    extra: Record<string, unknown>,
    errors?: FormErrors,
    status = 200,
  ) {
    const actor = requireAdmin(req);
    const t = tFor(langOf(req));
    const users = await this.services.auth.listUsers(actor);
    const done = typeof req.query.done === 'string' ? req.query.done : '';
    await this.views.page(
      req,
      res,
      'users',
      {
        users: users.map((u) => ({ ...u, active: u.status === 'active', self: u.id === actor.userId })),
        roles: ROLES,
        allFunds: await this.services.funds.list(actor),
        done: ['created', 'disable', 'enable', 'revoke', 'password', 'role'].includes(done) ? done : null,
        form: { username: '', role: 'accountant', fundCode: '' },
        ...extra,
      },
      { title: t('users.title'), errors, status },
    );
  }
}
