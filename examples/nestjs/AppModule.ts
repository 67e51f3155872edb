import { Module, type DynamicModule } from '@nestjs/common';
import { ClientsModule } from '@nestjs/microservices';
import { KinesisClientProxy, type KinesisClientOptions } from 'rxjs-kinesis/nestjs';
import { ORDERS_CLIENT } from './ordersClient.js';
import { OrdersController } from './OrdersController.js';
import { OrdersStore } from './OrdersStore.js';

/** The orders microservice: its event handlers, their store and the client that publishes. */
@Module({})
export class AppModule {
  static forRoot(options: { readonly client: KinesisClientOptions }): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ClientsModule.register([
          { name: ORDERS_CLIENT, customClass: KinesisClientProxy, options: options.client },
        ]),
      ],
      controllers: [OrdersController],
      providers: [OrdersStore],
      exports: [OrdersStore, ClientsModule],
    };
  }
}
