import { Body, Controller, Get, Param, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../common/actor';
import { CurrentActor, Roles } from '../common/decorators';
import { ParseIdPipe } from '../common/parse-id.pipe';
import { PublicListingDto } from '../contributions/dto';
import { DonorsService } from '../contributions/donors.service';
import { DisclosureService } from './disclosure.service';

/** Staff side of the public disclosure: the fund's signing key (admin) and donors' honour-roll consent. */
@ApiTags('public disclosure')
@ApiBearerAuth()
@Controller('api')
export class DisclosureApiController {
  constructor(
    private readonly disclosure: DisclosureService,
    private readonly donors: DonorsService,
  ) {}

  /** A new Ed25519 key signs the fund's published files from now on; the previous one is retired. */
  @Post('public/funds/:code/signing-key')
  @Roles('admin')
  rotateKey(@CurrentActor() actor: Actor, @Param('code') code: string) {
    return this.disclosure.rotateSigningKey(actor, code);
  }

  @Get('public/funds/:code/signing-keys')
  keys(@Param('code') code: string) {
    return this.disclosure.publicKeys(code);
  }

  /** The donor's consent to the public honour roll (bảng vàng), with its date; audited. */
  @Patch('donors/:id/public-listing')
  @Roles('accountant', 'admin')
  publicListing(
    @CurrentActor() actor: Actor,
    @Param('id', new ParseIdPipe('donor')) id: number,
    @Body() dto: PublicListingDto,
  ) {
    return this.donors.setPublicListing(actor, id, dto);
  }
}
