import { MiddlewareConsumer, Module, NestModule, RequestMethod } from '@nestjs/common';
import { urlencoded } from 'express';
import { DisclosureModule } from '../disclosure/disclosure.module';
import { DonorPortalController } from './donor-portal.controller';
import { PublicController } from './public.controller';

/** The public face (issue 14): disclosure pages, open data, and donor self-service. */
@Module({
  imports: [DisclosureModule],
  controllers: [PublicController, DonorPortalController],
})
export class PublicModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    // The link request is a plain HTML form: read it, small.
    consumer
      .apply(urlencoded({ extended: false, limit: '4kb' }))
      .forRoutes({ path: 'public/donor/link', method: RequestMethod.POST });
  }
}
