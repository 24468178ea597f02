import { Controller, Get, Header, NotFoundException, Param, Query, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { Public } from '../common/decorators';
import { renderDisclosure } from '../documents/disclosure.renderer';
import { DisclosureService } from '../disclosure/disclosure.service';
import { disclosureCsv, disclosureJson, manifestJson } from '../disclosure/open-data';
import { disclosureDocument, fundPageView } from './fund-page.view';

const LAYOUT = 'layouts/public-site';

function year(value: unknown): number | undefined {
  return typeof value === 'string' && /^\d{4}$/.test(value) ? Number(value) : undefined;
}

/**
 * The public disclosure pages (công khai, issue 14): no login, server-rendered, every figure from the
 * disclosure service (cached there and invalidated by any write). A face: formatting only.
 */
@ApiExcludeController()
@Public()
@Controller('public/funds')
export class PublicController {
  constructor(private readonly disclosure: DisclosureService) {}

  @Get(':code')
  async page(
    @Param('code') code: string,
    @Query('from') from: unknown,
    @Query('to') to: unknown,
    @Query('year') selected: unknown,
    @Res() res: Response,
  ): Promise<void> {
    const d = await this.disclosure.disclosure(code, year(from), year(to));
    res.render('public/fund', { layout: LAYOUT, ...fundPageView(d, year(selected) ?? null) });
  }

  @Get(':code/data.json')
  async json(
    @Param('code') code: string,
    @Query('from') from: unknown,
    @Query('to') to: unknown,
    @Res() res: Response,
  ) {
    const d = await this.disclosure.disclosure(code, year(from), year(to));
    const key = await this.disclosure.signingKey(code);
    this.file(
      res,
      'application/json; charset=utf-8',
      `cong-khai-${d.fund.code}.json`,
      disclosureJson(d, key),
    );
  }

  @Get(':code/data.csv')
  async csv(
    @Param('code') code: string,
    @Query('from') from: unknown,
    @Query('to') to: unknown,
    @Res() res: Response,
  ) {
    const d = await this.disclosure.disclosure(code, year(from), year(to));
    const key = await this.disclosure.signingKey(code);
    this.file(res, 'text/csv; charset=utf-8', `cong-khai-${d.fund.code}.csv`, disclosureCsv(d, key));
  }

  @Get(':code/manifest.json')
  async manifest(
    @Param('code') code: string,
    @Query('from') from: unknown,
    @Query('to') to: unknown,
    @Res() res: Response,
  ) {
    const d = await this.disclosure.disclosure(code, year(from), year(to));
    const key = await this.disclosure.signingKey(code);
    const files = [
      { name: `cong-khai-${d.fund.code}.json`, bytes: disclosureJson(d, key) },
      { name: `cong-khai-${d.fund.code}.csv`, bytes: disclosureCsv(d, key) },
    ];
    this.file(
      res,
      'application/json; charset=utf-8',
      `manifest-${d.fund.code}.json`,
      manifestJson(d, files, key),
    );
  }

  /** The fund's public keys (current and retired): what a verifier checks a file's key against. */
  @Get(':code/keys.json')
  @Header('Cache-Control', 'no-cache')
  async keys(@Param('code') code: string) {
    const keys = await this.disclosure.publicKeys(code);
    return keys.map((k) => ({
      keyId: k.keyId,
      publicKey: k.publicKey,
      createdAt: k.createdAt,
      retiredAt: k.retiredAt,
    }));
  }

  @Get(':code/disclosure.pdf')
  async pdf(@Param('code') code: string, @Query('year') selected: unknown, @Res() res: Response) {
    const y = year(selected);
    const d = await this.disclosure.disclosure(code, y, y);
    const view = y === undefined ? null : disclosureDocument(d, y);
    if (!view) throw new NotFoundException("year=YYYY is required, within the fund's books");
    const pdf = await renderDisclosure(view);
    res.setHeader('Content-Type', 'application/pdf');
    res.setHeader('Content-Disposition', `inline; filename="cong-khai-${d.fund.code}-${y}.pdf"`);
    res.end(pdf);
  }

  private file(res: Response, type: string, name: string, body: string): void {
    res.setHeader('Content-Type', type);
    res.setHeader('Content-Disposition', `attachment; filename="${name}"`);
    res.setHeader('Cache-Control', 'no-cache');
    res.end(body);
  }
}
