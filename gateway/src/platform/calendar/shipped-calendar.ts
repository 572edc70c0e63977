import { loadCalendars } from '@gcrm/config/calendars';
import { WorkingCalendar } from './working-calendar';

let shipped: WorkingCalendar | undefined;

/**
 * The calendar of `config/calendars/`, read and checked on first use and kept for the life of the
 * process. A bad calendar file throws ConfigError here, naming every problem; call it at start-up so
 * that happens before the first request.
 */
export function shippedCalendar(): WorkingCalendar {
  shipped ??= WorkingCalendar.fromConfig(loadCalendars());
  return shipped;
}
