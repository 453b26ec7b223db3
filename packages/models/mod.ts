/**
 * @vlmeval/models (public API declared here; being built).
 *
 * @module
 */
export {};
