/**
 * @vlmeval/pipeline (public API declared here; being built).
 *
 * @module
 */
export {};
