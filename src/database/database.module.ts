import { DynamicModule, Global, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { openReader } from './data-source';
import { DATA_SOURCE, READ_DATA_SOURCE, UnitOfWork } from './unit-of-work';

class DataSourceCloser implements OnApplicationShutdown {
  constructor(
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
    @Inject(READ_DATA_SOURCE) private readonly reader: DataSource,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    if (this.reader !== this.dataSource && this.reader.isInitialized) await this.reader.destroy();
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }
}

/** Provides the opened (and migrated) data source and the UnitOfWork that every write goes through. */
@Global()
@Module({})
export class DatabaseModule {
  static forRoot(dataSource: DataSource): DynamicModule {
    return {
      module: DatabaseModule,
      providers: [
        { provide: DATA_SOURCE, useValue: dataSource },
        { provide: READ_DATA_SOURCE, useFactory: () => openReader(dataSource) },
        UnitOfWork,
        DataSourceCloser,
      ],
      exports: [DATA_SOURCE, UnitOfWork],
    };
  }
}
