import { Controller, Get, Inject, Param, Query, Req, Res } from '@nestjs/common';
import { ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Public } from '../common/decorators';
import { ConflictError, NotFoundError } from '../common/errors';
import { Money } from '../common/money';
import { formatDateVi } from '../common/clock';
import { RateLimiter } from '../common/rate-limiter';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { PublicReceipt, ReceiptsService } from './receipts.service';

const STATUS_TEXT: Record<PublicReceipt['status'], string> = { posted: 'Hợp lệ', voided: 'Đã hủy' };

/** The page a receipt's QR code opens: public, rate limited, and showing only what a donor needs to check. */
@ApiTags('verification')
@Controller('verify')
export class VerifyController {
  private readonly limiter: RateLimiter;

  constructor(
    private readonly receipts: ReceiptsService,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.limiter = RateLimiter.memory({
      name: 'verify',
      points: config.verifyRequestsPerMinute,
      windowS: 60,
      what: 'verification requests',
    });
  }

  @Public()
  @Get(':receiptNo')
  @ApiProduces('text/html', 'application/json')
  @ApiOkResponse({
    description:
      'HTML page, or JSON { receiptNo, fund, fundName, date, amount, status, donor } with Accept: application/json',
  })
  async verify(
    @Param('receiptNo') receiptNo: string,
    @Query('fund') fund: string | undefined,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    await this.limiter.hit(req.ip ?? 'unknown');
    const wantsJson = req.accepts(['html', 'json']) === 'json';
    const found =
      receiptNo.length <= 40
        ? await this.receipts.verify(receiptNo, typeof fund === 'string' ? fund : undefined)
        : [];
    if (wantsJson) {
      if (found.length === 0) throw new NotFoundError(`receipt ${receiptNo} does not exist`);
      if (found.length > 1) {
        throw new ConflictError(
          `receipt number ${receiptNo} exists in funds ${found.map((r) => r.fund).join(', ')}; add ?fund=<code>`,
        );
      }
      res.json(found[0]);
      return;
    }
    res.status(found.length ? 200 : 404).render('verify', {
      title: `Xác minh phiếu thu ${receiptNo}`,
      receiptNo,
      found: found.length > 0,
      receipts: found.map((r) => ({
        ...r,
        amountText: Money.fromStored(r.amount).format(),
        dateText: formatDateVi(r.date),
        statusText: STATUS_TEXT[r.status],
        valid: r.status === 'posted',
      })),
    });
  }
}
