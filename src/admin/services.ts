import { Injectable, type Type } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { AuditService } from '../audit/audit.service';
import { BeneficiariesService } from '../beneficiaries/beneficiaries.service';
import { DuplicatesService } from '../beneficiaries/duplicates.service';
import { PaymentVouchersService } from '../disbursements/payment-vouchers.service';
import { PolicyService } from '../disbursements/policy.service';
import { ClaimsReconciliationService } from '../reports/claims-reconciliation.service';
import { ExportsService } from '../exports/exports.service';
import { AuthService } from '../auth/auth.service';
import { TransfersService } from '../transfers/transfers.service';
import { BankReconciliationService } from '../bank-reconciliation/bank-reconciliation.service';
import { StatementImportService } from '../bank-reconciliation/statement-import.service';
import { ClosingHistoryService } from '../closing/closing-history.service';
import { BatchesService } from '../contributions/batches.service';
import { CampaignsService } from '../contributions/campaigns.service';
import { ContributionsService } from '../contributions/contributions.service';
import { DonorsService } from '../contributions/donors.service';
import { ReceiptsService } from '../contributions/receipts.service';
import { DisbursementsService } from '../disbursements/disbursements.service';
import { FundsService } from '../funds/funds.service';
import { ContributionImportService } from '../imports/contribution-import.service';
import { BalancesService } from '../ledger/balances.service';
import { JournalService } from '../ledger/journal.service';
import { ReportsService } from '../reports/reports.service';
import { BookReportsService } from '../books/books.service';
import { MergerService } from '../closing/merger.service';
import { YearEndService } from '../closing/year-end.service';
import { HouseProjectsService } from '../disbursements/house-projects.service';
import { FundBooksService } from '../funds/fund-books.service';
import { PayeesService } from '../payees/payees.service';
import { StatementService } from '../reports/statement.service';

/**
 * The feature services the pages call: the very instances the API uses (looked up in the whole application,
 * since not every feature module exports them). The admin adds no rule of its own; it calls these.
 */
@Injectable()
export class AdminServices {
  constructor(private readonly modules: ModuleRef) {}

  private get<T>(type: Type<T>): T {
    return this.modules.get(type, { strict: false });
  }

  get contributions() {
    return this.get(ContributionsService);
  }
  get donors() {
    return this.get(DonorsService);
  }
  get receipts() {
    return this.get(ReceiptsService);
  }
  get batches() {
    return this.get(BatchesService);
  }
  get campaigns() {
    return this.get(CampaignsService);
  }
  get funds() {
    return this.get(FundsService);
  }
  get journal() {
    return this.get(JournalService);
  }
  get balances() {
    return this.get(BalancesService);
  }
  get reports() {
    return this.get(ReportsService);
  }
  get statements() {
    return this.get(StatementService);
  }
  get disbursements() {
    return this.get(DisbursementsService);
  }
  get closing() {
    return this.get(ClosingHistoryService);
  }
  get bank() {
    return this.get(BankReconciliationService);
  }
  get statementImports() {
    return this.get(StatementImportService);
  }
  get beneficiaries() {
    return this.get(BeneficiariesService);
  }
  get duplicates() {
    return this.get(DuplicatesService);
  }
  get policy() {
    return this.get(PolicyService);
  }
  get vouchers() {
    return this.get(PaymentVouchersService);
  }
  get claims() {
    return this.get(ClaimsReconciliationService);
  }
  get exports() {
    return this.get(ExportsService);
  }
  get auth() {
    return this.get(AuthService);
  }
  get transfers() {
    return this.get(TransfersService);
  }
  get audit() {
    return this.get(AuditService);
  }
  get imports() {
    return this.get(ContributionImportService);
  }
  get houseProjects() {
    return this.get(HouseProjectsService);
  }
  get books() {
    return this.get(BookReportsService);
  }
  get yearEnd() {
    return this.get(YearEndService);
  }
  get mergers() {
    return this.get(MergerService);
  }
  get fundBooks() {
    return this.get(FundBooksService);
  }
  get payees() {
    return this.get(PayeesService);
  }
}
