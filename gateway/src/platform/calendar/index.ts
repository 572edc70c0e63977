/**
 * Working days (法定工作日) and office hours for every deadline in the product: national holidays and
 * 调休 from `config/calendars/`, regional overrides by 行政区划代码, China time (UTC+8).
 *
 * @example
 * const calendar = shippedCalendar();
 * const due = calendar.addWorkingDays(acceptedAt, service.guide.promisedWorkingDays, case.regionCode);
 * if (!calendar.covers(2027)) log.warn('no holiday calendar for 2027 yet: counting Monday–Friday');
 * const daysLate = calendar.workingDaysBetween(due, finishedAt);
 */
export { shippedCalendar } from './shipped-calendar';
export { WorkingCalendar } from './working-calendar';
