import { MiddlewareConsumer, Module, NestModule, RequestMethod } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { BodyGuardMiddleware } from '../common/body-guard';
import { FundsModule } from '../funds/funds.module';
import { AuthController } from './auth.controller';
import { AuthGuard } from './auth.guard';
import { AuthService } from './auth.service';

@Module({
  imports: [FundsModule],
  controllers: [AuthController],
  providers: [AuthService, { provide: APP_GUARD, useClass: AuthGuard }],
  exports: [AuthService],
})
export class AuthModule implements NestModule {
  // The body guard sits with the auth guard: both stand in front of every route, public ones included, and the
  // guard runs after the body parsers (module middleware does; app.use() in app.factory.ts would run before).
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(BodyGuardMiddleware).forRoutes({ path: '*path', method: RequestMethod.ALL });
  }
}
