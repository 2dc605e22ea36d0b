/** Named errors of the informer machinery. */

/** `byIndex`/`index`/`indexKeys`/`listIndexFuncValues` asked for an index that was never added. */
export class IndexNotFoundError extends Error {
  override readonly name = 'IndexNotFoundError';
  constructor(readonly indexName: string) {
    super(`index with name "${indexName}" does not exist`);
  }
}

/** `addIndexers` named an index that already exists. */
export class IndexerConflictError extends Error {
  override readonly name = 'IndexerConflictError';
  constructor(readonly indexName: string) {
    super(`indexer conflict: index "${indexName}" already exists`);
  }
}

/** An informer was asked for something only allowed before `start()` (e.g. `addIndexers`). */
export class InformerAlreadyStartedError extends Error {
  override readonly name = 'InformerAlreadyStartedError';
  constructor(what: string, kind: string) {
    super(`informer for ${kind} has already started: ${what} must happen before start()`);
  }
}

/** The informer was stopped before its cache synced, or used (start, addEventHandler) after stop(). */
export class InformerStoppedError extends Error {
  override readonly name = 'InformerStoppedError';
  constructor(kind: string, what = 'was stopped before its cache synced') {
    super(`informer for ${kind} ${what}`);
  }
}
