import { RxjsKinesisError } from './RxjsKinesisError.js';

/**
 * A feature needs an optional peer package (ioredis, kinesalite, @nestjs/microservices) that is
 * not installed. The message names the package and the command that adds it.
 */
export class MissingPeerDependencyError extends RxjsKinesisError {
  /** The package to install, e.g. `ioredis`. */
  readonly packageName: string;
  /** What needed it, e.g. `RedisCheckpointer`. */
  readonly feature: string;

  constructor(packageName: string, feature: string, cause?: unknown) {
    super(
      `${feature} needs the package "${packageName}", which is not installed. ` +
        `Add it to your project: npm install ${packageName}`,
      { retriable: false, cause },
    );
    this.packageName = packageName;
    this.feature = feature;
  }
}
