import { MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { FundsModule } from '../funds/funds.module';
import { LedgerModule } from '../ledger/ledger.module';
import { AdminErrorsFilter } from './admin-errors.filter';
import { AdminAssetsController } from './assets.controller';
import { AdminAuditController } from './audit.controller';
import { AdminBankController } from './bank.controller';
import { AdminExportsController } from './exports.controller';
import { AdminBatchesController } from './batches.controller';
import { AdminFundsController } from './funds.controller';
import { AdminReportsController } from './reports.controller';
import { AdminTransfersController } from './transfers.controller';
import { AdminUsersController } from './users.controller';
import { AdminBeneficiariesController } from './beneficiaries.controller';
import { AdminBooksController } from './books.controller';
import { AdminCampaignsController } from './campaigns.controller';
import { AdminClosingController } from './closing.controller';
import { AdminProjectsController } from './projects.controller';
import { ProjectQueries } from './projects.queries';
import { AdminDisbursementsController } from './disbursements.controller';
import { AdminContributionsController } from './contributions.controller';
import { AdminDashboardController } from './dashboard.controller';
import { AdminDonorsController } from './donors.controller';
import { AdminImportsController } from './imports.controller';
import { AdminJournalController } from './journal.controller';
import { AdminQueries } from './queries';
import { AdminServices } from './services';
import { AdminSessionController } from './session.controller';
import { AdminSessionMiddleware } from './session.middleware';
import { AdminViews } from './views';

/**
 * The web admin (DESIGN.md §9a): server-rendered Handlebars pages under /admin that call the same feature
 * services as the API. No feature module imports this one.
 */
@Module({
  imports: [AuthModule, FundsModule, LedgerModule],
  controllers: [
    AdminAssetsController,
    AdminSessionController,
    AdminDashboardController,
    AdminContributionsController,
    AdminDonorsController,
    AdminBatchesController,
    AdminImportsController,
    AdminJournalController,
    AdminBeneficiariesController,
    AdminDisbursementsController,
    AdminReportsController,
    AdminAuditController,
    AdminUsersController,
    AdminFundsController,
    AdminTransfersController,
    AdminProjectsController,
    AdminBooksController,
    AdminClosingController,
    AdminCampaignsController,
    AdminBankController,
    AdminExportsController,
  ],
  providers: [
    AdminViews,
    AdminServices,
    AdminQueries,
    ProjectQueries,
    AdminSessionMiddleware,
    AdminErrorsFilter,
  ],
})
export class AdminModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(AdminSessionMiddleware).forRoutes('admin', 'admin/*path');
  }
}
