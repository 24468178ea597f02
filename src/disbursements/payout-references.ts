import { Injectable, OnModuleInit } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { BeneficiaryReferences } from '../beneficiaries/beneficiary-references';
import { BeneficiariesService } from '../beneficiaries/beneficiaries.service';
import { Disbursement, HouseProject } from './entities';

/** Payouts and house projects follow their household when the registry merges two records. */
@Injectable()
export class PayoutReferences implements BeneficiaryReferences, OnModuleInit {
  constructor(private readonly beneficiaries: BeneficiariesService) {}

  onModuleInit(): void {
    this.beneficiaries.registerReferences(this);
  }

  async moveBeneficiary(tx: EntityManager, fromId: number, intoId: number): Promise<Record<string, number>> {
    // Counted first: an UPDATE's affected-row count differs by driver.
    const disbursements = await tx.count(Disbursement, { where: { beneficiaryId: fromId } });
    const houseProjects = await tx.count(HouseProject, { where: { beneficiaryId: fromId } });
    await tx.update(Disbursement, { beneficiaryId: fromId }, { beneficiaryId: intoId });
    await tx.update(HouseProject, { beneficiaryId: fromId }, { beneficiaryId: intoId });
    return { disbursements, houseProjects };
  }
}
