/*
 * stream: the live-push endpoints, as documented routes.
 *
 *   GET /api/stream/board             races added or removed, stage changes, favourites
 *                                     and best prices (EventSource or WebSocket)
 *   GET /api/stream/races/{race_id}   one race's price changes, non-runners, stage
 *                                     changes and result
 *
 * nginx's nchan module serves these paths when live push is on
 * (nginx/stream.conf); the messages are published by dh-live and
 * dh-historical (shared/push.c).  dh-api only sees them when push is off on
 * this host, or for a race id nginx's pattern refuses, and answers with a
 * JSON error, so that a client knows to poll the REST endpoints instead.
 */
#include "api.h"

static enum api_outcome
stream_off(struct request *r)
{
	if (r->match.ncaptures > 0 && api_path_id(r, 0, "race_id") == NULL && resp_invalid_params(r))
		return API_DONE;
	r->cache_control = API_NEVER;
	resp_detail(r, 503, "live push is off on this host (DH_PUSH=off): poll the REST endpoints");
	return API_DONE;
}

#define STREAM_HOW \
    "An EventSource (Accept: text/event-stream; each message is `id:` nchan's message id and " \
    "`data:` one JSON object) or a WebSocket (one JSON object per text frame). New subscribers " \
    "get the messages published from then on; one that reconnects with Last-Event-ID (EventSource " \
    "sends it by itself; for WebSocket add ?last_event_id= or the header) gets what it missed from " \
    "the channel's buffer (256 messages, 2 hours). Every message has type, id (EPOCH-SEQ), seq (1, " \
    "2, ... per publisher), epoch and timestamp: a gap in seq within one epoch, or a message of type " \
    "resync, means messages were lost (nginx or the publisher restarted, the buffer moved on): fetch " \
    "the REST snapshot again. Connections per client and per host are limited (429 past them). " \
    "With live push off on the host, 503 JSON: poll the REST endpoints. " \
    "curl -N -H 'Accept: text/event-stream' http://HOST/api/stream/board"

static const struct api_route stream_routes[] = {
	{ .method = "GET", .pattern = "/api/stream/board",
	  .handler = stream_off, .cache_control = API_NEVER, .name = "stream_board", .flags = API_STREAM,
	  .summary = "Live board: races added or removed, stage transitions, favourite and best-price changes",
	  .description = STREAM_HOW ". Types: board {races: [{race_id, added, course, race_name, race_date, "
	  "off_dt, stage, runner_count, favourite, runners: [runners whose best price or favourite mark "
	  "changed]}], removed: [race ids], committed_at}; stage {race_id, stage, previous_stage, off_dt, "
	  "course, race_name}, sent at the transition (pre_race 120 min before the off, going_to_post 30, "
	  "at_post 5, off at the off); resync.",
	  .schema = "BoardStreamMessage" },
	{ .method = "GET", .pattern = "/api/stream/races/{race_id}",
	  .handler = stream_off, .cache_control = API_NEVER, .name = "stream_race", .flags = API_STREAM,
	  .summary = "Live race: price changes of its runners, non-runners, stage changes, the result",
	  .description = STREAM_HOW ". Types: prices {race_id, off_dt, prices: [changed or new prices, "
	  "as /api/races/{race_id}/odds names them], removed: [{horse_id, bookmaker_id}], non_runners: "
	  "[horse ids whose every price went], runners: [runners whose best price or favourite mark "
	  "changed], committed_at}; stage (as on the board); result {race_id, runners: [{horse_id, "
	  "horse_name, position, sp, sp_dec}]}; resync.",
	  .schema = "RaceStreamMessage" },
};

static const struct api_schema stream_schemas[] = {
	{ "StreamPrice", "horse_id:s horse_name:s number:i bookmaker_id:s bookmaker:s fractional:s decimal:n "
	  "changed_at:t" },
	{ "StreamPriceKey", "horse_id:s bookmaker_id:s" },
	{ "StreamRunner", "horse_id:s horse_name:s number:i favourite:b best_price:BestPrice" },
	{ "StreamResultRunner", "horse_id:s horse_name:s position:s sp:s sp_dec:n" },
	{ "RaceStreamMessage", "type:s id:s seq:i epoch:i timestamp:t committed_at:t race_id:s off_dt:t "
	  "stage:s previous_stage:s course:s race_name:s prices:[StreamPrice] removed:[StreamPriceKey] "
	  "non_runners:[s] runners:[StreamRunner] result:[StreamResultRunner]" },
	{ "BoardStreamRace", "race_id:s added:b course:s race_name:s race_date:d off_dt:t stage:s "
	  "runner_count:i favourite:Favourite runners:[StreamRunner]" },
	{ "BoardStreamMessage", "type:s id:s seq:i epoch:i timestamp:t committed_at:t races:[BoardStreamRace] "
	  "removed:[s] race_id:s stage:s previous_stage:s off_dt:t course:s race_name:s" },
};

const struct api_module stream_module = {
	.name = "stream", .tag = "Live push",
	.routes = stream_routes, .nroutes = API_COUNT(stream_routes),
	.schemas = stream_schemas, .nschemas = API_COUNT(stream_schemas),
};
