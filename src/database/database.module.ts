import { DynamicModule, Global, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { openReader } from './data-source';
import { WalCheckpointer } from './wal-checkpointer';
import { DATA_SOURCE, READ_DATA_SOURCE, UnitOfWork } from './unit-of-work';

class DataSourceCloser implements OnApplicationShutdown {
  constructor(
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
    @Inject(READ_DATA_SOURCE) private readonly reader: DataSource,
    @Inject(WalCheckpointer) private readonly checkpointer: WalCheckpointer | null,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    await this.checkpointer?.stop();
    if (this.reader !== this.dataSource && this.reader.isInitialized) await this.reader.destroy();
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }
}

/** Provides the opened (and migrated) data source and the UnitOfWork that every write goes through. */
@Global()
@Module({})
export class DatabaseModule {
  /** `walCheckpointer`: checkpoint SQLite's log on a thread of its own (the server; the CLI keeps SQLite's own). */
  static forRoot(dataSource: DataSource, options: { walCheckpointer?: boolean } = {}): DynamicModule {
    return {
      module: DatabaseModule,
      providers: [
        { provide: DATA_SOURCE, useValue: dataSource },
        { provide: READ_DATA_SOURCE, useFactory: () => openReader(dataSource) },
        {
          provide: WalCheckpointer,
          useFactory: () => (options.walCheckpointer ? WalCheckpointer.start(dataSource) : null),
        },
        UnitOfWork,
        DataSourceCloser,
      ],
      exports: [DATA_SOURCE, UnitOfWork],
    };
  }
}
