import { Body, Controller, Get, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import type { Request, Response } from 'express';
import { formatDateVi } from '../common/clock';
import { Public } from '../common/decorators';
import { NotFoundError } from '../common/errors';
import { Money } from '../common/money';
import { DonorLinksService, LinkGoneError, SESSION_LIFETIME_MS } from '../disclosure/donor-links.service';

const LAYOUT = 'layouts/public-site';
const COOKIE = 'den_donor';

export class DonorLinkRequestDto {
  @IsOptional()
  @IsString()
  @MaxLength(200)
  email?: string;

  @IsOptional()
  @IsString()
  @MaxLength(40)
  receiptNo?: string;
}

function cookie(req: Request, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return decodeURIComponent(v.join('='));
  }
  return undefined;
}

/**
 * Donor self-service (issue 14): ask for a one-time link (from a receipt's QR page or with the e-mail on record),
 * open it once to see one's own receipts in every fund, and download each PDF and the yearly thank-you letter.
 * Opening the link sets a cookie holding the same token, good for an hour of downloads.
 */
@ApiExcludeController()
@Public()
@Controller('public/donor')
export class DonorPortalController {
  constructor(private readonly links: DonorLinksService) {}

  @Get()
  form(@Query('receipt') receipt: unknown, @Res() res: Response): void {
    res.render('public/donor-request', {
      layout: LAYOUT,
      title: 'Xem các phiếu thu của tôi',
      receiptNo: typeof receipt === 'string' ? receipt.slice(0, 40) : '',
    });
  }

  @Post('link')
  @HttpCode(200)
  async request(@Body() dto: DonorLinkRequestDto, @Req() req: Request, @Res() res: Response): Promise<void> {
    if (!dto.email?.trim() && !dto.receiptNo?.trim()) {
      res.status(400).render('public/donor-request', {
        layout: LAYOUT,
        title: 'Xem các phiếu thu của tôi',
        error: 'Hãy nhập e-mail đã đăng ký hoặc số phiếu thu.',
      });
      return;
    }
    await this.links.request(dto, req.ip ?? 'unknown');
    // The same answer whether or not the e-mail or receipt is on record: nothing to learn by asking.
    res.render('public/donor-sent', { layout: LAYOUT, title: 'Đã gửi đường dẫn' });
  }

  @Get('receipts/:id')
  async receipt(@Param('id') id: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    const donorId = await this.links.session(cookie(req, COOKIE));
    if (donorId === null || !/^\d{1,9}$/.test(id)) return this.refuse(res, 403);
    const { receiptNo, pdf } = await this.links.receiptPdf(donorId, Number(id));
    res.setHeader('Content-Type', 'application/pdf');
    res.setHeader('Content-Disposition', `attachment; filename="${receiptNo}.pdf"`);
    res.end(pdf);
  }

  @Get('letters/:fund/:year')
  async letter(
    @Param('fund') fund: string,
    @Param('year') year: string,
    @Req() req: Request,
    @Res() res: Response,
  ) {
    const donorId = await this.links.session(cookie(req, COOKIE));
    if (donorId === null || !/^\d{4}$/.test(year) || !/^[A-Za-z0-9_-]{1,32}$/.test(fund))
      return this.refuse(res, 403);
    const pdf = await this.links.letterPdf(donorId, fund, Number(year));
    res.setHeader('Content-Type', 'application/pdf');
    res.setHeader('Content-Disposition', `attachment; filename="thu-cam-on-${fund}-${year}.pdf"`);
    res.end(pdf);
  }

  @Get(':token')
  async open(@Param('token') token: string, @Res() res: Response): Promise<void> {
    let donorId: number;
    try {
      donorId = await this.links.open(token.slice(0, 100));
    } catch (error) {
      if (error instanceof LinkGoneError || error instanceof NotFoundError)
        return this.refuse(res, error instanceof LinkGoneError ? 410 : 404, error.message);
      throw error;
    }
    res.cookie(COOKIE, token, {
      httpOnly: true,
      sameSite: 'lax',
      secure: res.req.secure,
      path: '/public/donor',
      maxAge: SESSION_LIFETIME_MS,
    });
    res.setHeader('Cache-Control', 'no-store');
    const view = await this.links.portal(donorId);
    res.render('public/donor-receipts', {
      layout: LAYOUT,
      title: 'Các phiếu thu của tôi',
      donorName: view.donorName,
      receipts: view.receipts.map((r) => ({
        ...r,
        dateText: formatDateVi(r.date),
        amountText: Money.fromStored(r.amount).format(),
        voided: r.status === 'voided',
        href: `/public/donor/receipts/${r.id}`,
      })),
      letters: view.letters.map((l) => ({
        ...l,
        href: `/public/donor/letters/${encodeURIComponent(l.fund)}/${l.year}`,
      })),
    });
  }

  private refuse(res: Response, status: number, reason?: string): void {
    res.status(status).render('public/donor-refused', {
      layout: LAYOUT,
      title: 'Đường dẫn không dùng được',
      gone: status === 410,
      reason,
    });
  }
}
