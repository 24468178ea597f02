import { Controller, Get, NotFoundException, Param, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import * as path from 'node:path';
import { Public } from '../common/decorators';
import { ROOT_DIR } from '../common/paths';
import { ADMIN_DIR } from './views';

const MODULES = path.join(ROOT_DIR, 'node_modules');

/** Every file the pages load, from node_modules or templates/admin/static: no CDN. */
const ASSETS: Record<string, string> = {
  'bootstrap.min.css': path.join(MODULES, 'bootstrap/dist/css/bootstrap.min.css'),
  'bootstrap.bundle.min.js': path.join(MODULES, 'bootstrap/dist/js/bootstrap.bundle.min.js'),
  'bootstrap-icons.min.css': path.join(MODULES, 'bootstrap-icons/font/bootstrap-icons.min.css'),
  'fonts/bootstrap-icons.woff2': path.join(MODULES, 'bootstrap-icons/font/fonts/bootstrap-icons.woff2'),
  'fonts/bootstrap-icons.woff': path.join(MODULES, 'bootstrap-icons/font/fonts/bootstrap-icons.woff'),
  'htmx.min.js': path.join(MODULES, 'htmx.org/dist/htmx.min.js'),
  'tom-select.complete.min.js': path.join(MODULES, 'tom-select/dist/js/tom-select.complete.min.js'),
  'tom-select.bootstrap5.min.css': path.join(MODULES, 'tom-select/dist/css/tom-select.bootstrap5.min.css'),
  'chart.umd.min.js': path.join(MODULES, 'chart.js/dist/chart.umd.min.js'),
  'admin.css': path.join(ADMIN_DIR, 'static/admin.css'),
  'admin.js': path.join(ADMIN_DIR, 'static/admin.js'),
};

@ApiExcludeController()
@Public()
@Controller('admin/assets')
export class AdminAssetsController {
  @Get('fonts/:file')
  font(@Param('file') file: string, @Res() res: Response): void {
    this.send(`fonts/${file}`, res);
  }

  @Get(':file')
  asset(@Param('file') file: string, @Res() res: Response): void {
    this.send(file, res);
  }

  private send(name: string, res: Response): void {
    const file = Object.hasOwn(ASSETS, name) ? ASSETS[name] : undefined;
    if (!file) throw new NotFoundException(`no asset ${name}`);
    res.sendFile(file, { maxAge: '1h' });
  }
}
