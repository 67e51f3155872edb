import { Module, type DynamicModule } from '@nestjs/common';
import { KinesisPublisher } from './KinesisPublisher.js';
import { KINESIS_PUBLISHER_OPTIONS, type KinesisPublisherOptions } from './KinesisPublisherOptions.js';
import { OrdersController } from './OrdersController.js';
import { OrdersStore } from './OrdersStore.js';

/** The orders microservice: its event handlers, their store and the publisher. */
@Module({})
export class AppModule {
  static forRoot(options: { readonly publisher: KinesisPublisherOptions }): DynamicModule {
    return {
      module: AppModule,
      controllers: [OrdersController],
      providers: [
        OrdersStore,
        KinesisPublisher,
        { provide: KINESIS_PUBLISHER_OPTIONS, useValue: options.publisher },
      ],
      exports: [OrdersStore, KinesisPublisher],
    };
  }
}
