// What the gateway reads of the workers' model inventories, without the worker
// itself: the package's index loads every provider adapter, Ajv and the session
// store, which a process that only lists models never uses.
export { type ProviderInventory, readModelInventories } from './inventory/model-inventory';
