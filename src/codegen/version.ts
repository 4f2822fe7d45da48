/** The compiler version named in every generated program's header and hashed into run ids. */
import { rekdPackage } from '../runtime/run/provenance.ts';

export const compilerVersion: string = rekdPackage().version;
