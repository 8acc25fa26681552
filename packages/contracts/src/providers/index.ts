export { CLOUD_KINDS, LOCAL_KINDS, PROVIDER_KINDS, type ProviderKind, WORKER_FAMILY_OF_KIND, type WorkerFamily } from './provider-kinds';
