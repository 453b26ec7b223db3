/**
 * @vlmeval/datasets (public API declared here; being built).
 *
 * @module
 */
export {};
