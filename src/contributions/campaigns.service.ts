import { Injectable } from '@nestjs/common';
import { ConflictError, InvalidRequestError } from '../common/errors';
import { UnitOfWork } from '../database/unit-of-work';
import { nowIso } from '../common/clock';
import { CreateCampaignDto } from './dto';
import { Campaign } from './entities';

export interface CampaignView {
  id: number;
  code: string;
  name: string;
  startsOn: string;
  endsOn: string;
}

/** Fund-raising campaigns, e.g. "Tháng 7 tri ân 2023" (28/6–27/7): contributions can be tagged with one. */
@Injectable()
export class CampaignsService {
  constructor(private readonly uow: UnitOfWork) {}

  create(dto: CreateCampaignDto): Promise<CampaignView> {
    if (dto.endsOn < dto.startsOn) throw new InvalidRequestError('endsOn must not be before startsOn');
    return this.uow.write(async (tx) => {
      if (await tx.findOne(Campaign, { where: { code: dto.code } }))
        throw new ConflictError(`campaign ${dto.code} already exists`);
      const campaign = await tx.save(tx.create(Campaign, { ...dto, createdAt: nowIso() }));
      return this.view(campaign);
    });
  }

  async list(): Promise<CampaignView[]> {
    return (await this.uow.manager.find(Campaign, { order: { startsOn: 'DESC' } })).map((c) => this.view(c));
  }

  private view(c: Campaign): CampaignView {
    return { id: c.id, code: c.code, name: c.name, startsOn: c.startsOn, endsOn: c.endsOn };
  }
}
