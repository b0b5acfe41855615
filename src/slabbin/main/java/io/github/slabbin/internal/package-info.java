/**
 * Internals that slabbin's own modules share (the tools use them too). Not part of slabbin's API:
 * nothing here is covered by compatibility promises; once slabbin has a module descriptor, it
 * exports this package to slabbin's tools only.
 */
package io.github.slabbin.internal;
