/**
 * Settings for one Landray EKP (蓝凌) server (platforms.md §4.3). `soapPassword` is a credential: keep
 * it out of logs.
 */
export interface LandrayConfig {
  /** Origin of the EKP server (or a simulator URL). */
  baseUrl: string;
  /** The "WebService 注册" account, when the EKP policy requires the RequestSOAPHeader. */
  soapUser?: string;
  soapPassword?: string;
  /**
   * The customer's query web service (EKP has no status query of its own, §4.4). Default
   * {@link LANDRAY_QUERY_SERVICE}; it must offer `getReviewStatus` and `findReviewByKeyword`.
   */
  queryService?: { path: string; ns: string };
  /** Per-request timeout. Default 10000 ms. */
  timeoutMs?: number;
}

/** EKP's own review service (§4.3). */
export const LANDRAY_REVIEW_SERVICE = {
  path: '/sys/webservice/kmReviewWebserviceService',
  ns: 'http://webservice.review.km.kmss.landray.com/',
} as const;

/**
 * ASSUMPTION: a customer-built query service, published through EKP's WebService registry like the
 * review service. `getReviewStatus(arg0 = fdId)` returns a JSON string
 * `{fdId, docStatus, docSubject, docPublishTime?, handlerName?, auditNote?}` ("" when unknown);
 * `findReviewByKeyword(arg0 = keyword)` returns a JSON array of fdIds. `docStatus` uses EKP's codes:
 * 10 draft, 20 under review, 11 sent back, 00 abandoned, 30 published, 31 published with feedback.
 */
export const LANDRAY_QUERY_SERVICE = {
  path: '/sys/webservice/gcrmReviewQueryService',
  ns: 'http://webservice.gcrm.custom.kmss.landray.com/',
} as const;
