import 'reflect-metadata';
import type { ContributionPoints, PluginContext, ServiceToken } from '@keelson/api';
import { Container } from 'inversify';

/** A contribution point's container key (one Symbol per point name). */
export function contributionPoint(name: string): symbol {
  return Symbol.for(`keelson.contribution.${name}`);
}

export class ServiceNotFoundError extends Error {
  override readonly name = 'ServiceNotFoundError';
  constructor(readonly token: ServiceToken<unknown>) {
    super(`no plugin provides the service "${token.description}"`);
  }
}

export class ServiceAlreadyProvidedError extends Error {
  override readonly name = 'ServiceAlreadyProvidedError';
  constructor(readonly token: ServiceToken<unknown>) {
    super(`the service "${token.description}" is provided twice`);
  }
}

/**
 * The one place that touches inversify: services are lazily-created singletons by token,
 * contribution points are multi-bindings kept in registration order. Nobody else imports
 * inversify, so its major-version changes stay here.
 */
export class PluginContainer {
  private readonly container = new Container({ defaultScope: 'Singleton' });
  private readonly points = new Map<string, unknown[]>();

  /** Provides a service: a value, or a factory called once on first use. */
  provide<T>(token: ServiceToken<T>, valueOrFactory: T | { create(ctx: PluginContext): T }, ctx?: PluginContext): void {
    if (this.container.isBound(token.id)) throw new ServiceAlreadyProvidedError(token);
    const isFactory = typeof valueOrFactory === 'object' && valueOrFactory !== null && 'create' in valueOrFactory && typeof (valueOrFactory as { create: unknown }).create === 'function' && ctx !== undefined;
    if (isFactory) {
      const factory = valueOrFactory as { create(ctx: PluginContext): T };
      this.container.bind<T>(token.id).toDynamicValue(() => factory.create(ctx!)).inSingletonScope();
    } else {
      this.container.bind<T>(token.id).toConstantValue(valueOrFactory as T);
    }
  }

  has(token: ServiceToken<unknown>): boolean {
    return this.container.isBound(token.id);
  }

  get<T>(token: ServiceToken<T>): T {
    if (!this.container.isBound(token.id)) throw new ServiceNotFoundError(token);
    return this.container.get<T>(token.id);
  }

  getOptional<T>(token: ServiceToken<T>): T | undefined {
    return this.container.isBound(token.id) ? this.container.get<T>(token.id) : undefined;
  }

  addContribution<P extends keyof ContributionPoints>(point: P, item: ContributionPoints[P]): void {
    const list = this.points.get(point) ?? [];
    list.push(item);
    this.points.set(point, list);
    this.container.bind(contributionPoint(point)).toConstantValue(item);
  }

  /** Every contribution to a point, in registration order. */
  contributions<P extends keyof ContributionPoints>(point: P): readonly ContributionPoints[P][] {
    return (this.points.get(point) ?? []) as ContributionPoints[P][];
  }
}
