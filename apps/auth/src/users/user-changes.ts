import { AuthEvents } from '@ir/contracts';
import type { BusClient } from '@ir/messaging';

/**
 * Tells every gateway that the user's profile, password or rights changed, or that the user is gone
 * (`auth.evt.user.changed`, the user's id only), so that each drops the profile it keeps at once
 * instead of serving it for up to PROFILE_CACHE_TTL. Called after the change is stored.
 */
export async function announceUserChanged(bus: BusClient, userId: string, at: Date = new Date()): Promise<void> {
  await bus.publish(AuthEvents.userChanged, { user_id: userId }, { msgId: `user-changed:${userId}:${at.getTime()}` });
}
