import { bodyReader } from '../../core/transport/body-reader';
import { WecomTransportError } from '../errors';

/** Readers for success bodies: a missing required field is a {@link WecomTransportError} (bad answer). */
export const reader = (path: string) => bodyReader(path, (p, message) => new WecomTransportError(p, message));
