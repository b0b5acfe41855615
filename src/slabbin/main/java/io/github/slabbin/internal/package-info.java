/**
 * Internals that slabbin's own modules share (the tools use them too). Not part of slabbin's API:
 * nothing here is covered by compatibility promises, and a module descriptor is to export this package
 * only to slabbin's tools once slabbin has one.
 */
package io.github.slabbin.internal;
