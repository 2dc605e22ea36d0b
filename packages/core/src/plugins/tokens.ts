import { serviceToken } from '@keelson/api';
import type { Client } from '../client/client.js';
import type { Clock } from '../clock/clock.js';
import type { EventRecorder } from '../events/interfaces.js';
import type { SharedInformerFactory } from '../informers/interfaces.js';
import type { Logger } from '../log.js';
import type { KindRegistry } from '../registry/kind-registry.js';
import type { Registry } from '../registry/registry.js';
import type { Store } from '../store/store.js';

/** Services the core provides to every plugin (look them up with ctx.get(Token)). */
export const ClockToken = serviceToken<Clock>('core.clock');
export const LoggerToken = serviceToken<Logger>('core.logger');
export const StoreToken = serviceToken<Store>('core.store');
export const ClientToken = serviceToken<Client>('core.client');
export const InformersToken = serviceToken<SharedInformerFactory>('core.informers');
export const EventRecorderToken = serviceToken<EventRecorder>('core.eventRecorder');
export const KindRegistryToken = serviceToken<KindRegistry>('core.kinds');
/** The object registry (for API servers and other transports). */
export const RegistryToken = serviceToken<Registry>('core.registry');
