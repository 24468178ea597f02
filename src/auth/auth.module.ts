import { MiddlewareConsumer, Module, NestModule, RequestMethod } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { BodyGuardMiddleware } from '../common/body-guard';
import { RequestGuard } from '../common/request.guard';
import { FundsModule } from '../funds/funds.module';
import { AuthController } from './auth.controller';
import { AuthGuard } from './auth.guard';
import { AuthService } from './auth.service';

@Module({
  imports: [FundsModule],
  controllers: [AuthController],
  // In this order: a request is recorded (RequestGuard) once its sender is known, so an anonymous one is refused
  // with 401 before its Idempotency-Key is looked at.
  providers: [
    AuthService,
    { provide: APP_GUARD, useClass: AuthGuard },
    { provide: APP_GUARD, useClass: RequestGuard },
  ],
  exports: [AuthService],
})
export class AuthModule implements NestModule {
  // The body guard sits with the auth guard: both stand in front of every route, public ones included, and the
  // guard runs after the body parsers (module middleware does; app.use() in app.factory.ts would run before).
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(BodyGuardMiddleware).forRoutes({ path: '*path', method: RequestMethod.ALL });
  }
}
