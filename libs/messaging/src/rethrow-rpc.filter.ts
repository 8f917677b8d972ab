import { Catch, type ArgumentsHost } from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';
import { throwError, type Observable } from 'rxjs';

/**
 * Nest's default RPC filter turns every error into a generic object and logs it.
 * This one hands a bus handler's original error back to `JetStreamServer`, which
 * alone decides what a caller may see (a `DomainError` as is, anything else as
 * INTERNAL). HTTP errors keep Nest's default handling.
 */
@Catch()
export class RethrowRpcFilter extends BaseExceptionFilter {
  override catch(exception: unknown, host: ArgumentsHost): Observable<never> | void {
    if (host.getType() === 'rpc') return throwError(() => exception);
    super.catch(exception, host);
  }
}
