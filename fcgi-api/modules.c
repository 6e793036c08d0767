/*
 * modules: the endpoint families dh-api serves, in the order routes are
 * matched and documented.  A new family is one line here; a new endpoint
 * of a family is a line of its routes[] (see api.h).
 */
#include "api.h"

extern const struct api_module admin_module, bookmakers_module, courses_module, export_module, form_module,
    health_module, market_module, masters_module, metrics_module, odds_historical_module, odds_live_module,
    odds_stage_module, openapi_module, race_odds_module, status_module, stream_module;

const struct api_module *const api_modules[] = {
	&health_module,
	&odds_live_module,
	&odds_stage_module,
	&odds_historical_module,
	&status_module,
	&bookmakers_module,
	&courses_module,
	&race_odds_module,
	&market_module,
	&form_module,
	&export_module,
	&stream_module,
	&admin_module,
	&metrics_module,
	&openapi_module,
	&masters_module,
	NULL,
};
