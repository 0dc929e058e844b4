-- Central's schema on postgresql as Base.metadata.create_all made it before migrations existed
-- (central.models at fbefe50): what a deployment of that time holds. Captured once from
-- create_all's DDL; never regenerate it, it stands for databases already in the field.

CREATE TABLE consult_callbacks (
	id VARCHAR(36) NOT NULL, 
	reference VARCHAR(16) NOT NULL, 
	station_id VARCHAR(40) NOT NULL, 
	topic VARCHAR(40) NOT NULL, 
	phone VARCHAR(11) NOT NULL, 
	person_key VARCHAR(64) NOT NULL, 
	requested_at TIMESTAMP WITHOUT TIME ZONE NOT NULL, 
	received_at TIMESTAMP WITHOUT TIME ZONE NOT NULL, 
	status VARCHAR(12) NOT NULL, 
	note VARCHAR(200) NOT NULL, 
	advisor_id INTEGER, 
	advisor_name VARCHAR(40) NOT NULL, 
	handled_at TIMESTAMP WITHOUT TIME ZONE, 
	PRIMARY KEY (id)
);

CREATE INDEX ix_consult_callbacks_requested_at ON consult_callbacks (requested_at);

CREATE INDEX ix_consult_callbacks_station_id ON consult_callbacks (station_id);

CREATE INDEX ix_consult_callbacks_reference ON consult_callbacks (reference);

CREATE INDEX ix_consult_callbacks_status ON consult_callbacks (status);

CREATE TABLE consult_advisors (
	id SERIAL NOT NULL, 
	login VARCHAR(40) NOT NULL, 
	display_name VARCHAR(40) NOT NULL, 
	pool VARCHAR(40) NOT NULL, 
	password_hash VARCHAR(200) NOT NULL, 
	enabled BOOLEAN NOT NULL, 
	status VARCHAR(12) NOT NULL, 
	status_at TIMESTAMP WITHOUT TIME ZONE, 
	last_seen_at TIMESTAMP WITHOUT TIME ZONE, 
	failed_logins INTEGER NOT NULL, 
	locked_until TIMESTAMP WITHOUT TIME ZONE, 
	created_at TIMESTAMP WITHOUT TIME ZONE NOT NULL, 
	PRIMARY KEY (id), 
	UNIQUE (login)
);

CREATE INDEX ix_consult_advisors_pool ON consult_advisors (pool);

CREATE TABLE consult_requests (
	id VARCHAR(36) NOT NULL, 
	kiosk_id VARCHAR(40) NOT NULL, 
	station_id VARCHAR(40) NOT NULL, 
	pool VARCHAR(40) NOT NULL, 
	topic VARCHAR(20) NOT NULL, 
	identified BOOLEAN NOT NULL, 
	state VARCHAR(12) NOT NULL, 
	version INTEGER NOT NULL, 
	created_at TIMESTAMP WITHOUT TIME ZONE NOT NULL, 
	accepted_at TIMESTAMP WITHOUT TIME ZONE, 
	connected_at TIMESTAMP WITHOUT TIME ZONE, 
	ended_at TIMESTAMP WITHOUT TIME ZONE, 
	advisor_id INTEGER, 
	advisor_name VARCHAR(40) NOT NULL, 
	offer_gen INTEGER NOT NULL, 
	offer_sdp TEXT NOT NULL, 
	answer_gen INTEGER NOT NULL, 
	answer_sdp TEXT NOT NULL, 
	reason VARCHAR(20) NOT NULL, 
	outcome VARCHAR(20) NOT NULL, 
	note VARCHAR(500) NOT NULL, 
	kiosk_seen_at TIMESTAMP WITHOUT TIME ZONE, 
	PRIMARY KEY (id)
);

CREATE INDEX ix_consult_requests_pool_state ON consult_requests (pool, state);

CREATE TABLE queue_tickets (
	id VARCHAR(36) NOT NULL, 
	station_id VARCHAR(40) NOT NULL, 
	service VARCHAR(40) NOT NULL, 
	number VARCHAR(12) NOT NULL, 
	day DATE NOT NULL, 
	issued_at TIMESTAMP WITHOUT TIME ZONE NOT NULL, 
	priority BOOLEAN NOT NULL, 
	priority_group VARCHAR(20) NOT NULL, 
	priority_note VARCHAR(60) NOT NULL, 
	person_key VARCHAR(64), 
	status VARCHAR(12) NOT NULL, 
	counter VARCHAR(20) NOT NULL, 
	staff VARCHAR(40) NOT NULL, 
	called_at TIMESTAMP WITHOUT TIME ZONE, 
	last_called_at TIMESTAMP WITHOUT TIME ZONE, 
	started_at TIMESTAMP WITHOUT TIME ZONE, 
	finished_at TIMESTAMP WITHOUT TIME ZONE, 
	recalls INTEGER NOT NULL, 
	services_delivered JSON NOT NULL, 
	transferred_from VARCHAR(36), 
	service_record_id VARCHAR(36), 
	source_event_id VARCHAR(36) NOT NULL, 
	PRIMARY KEY (id), 
	UNIQUE (service_record_id)
);

CREATE INDEX ix_queue_tickets_counter ON queue_tickets (station_id, counter, status);

CREATE INDEX ix_queue_tickets_line ON queue_tickets (station_id, day, status);

CREATE TABLE staff_counters (
	station_id VARCHAR(40) NOT NULL, 
	counter VARCHAR(20) NOT NULL, 
	services JSON NOT NULL, 
	staff VARCHAR(40) NOT NULL, 
	updated_at TIMESTAMP WITHOUT TIME ZONE, 
	PRIMARY KEY (station_id, counter)
);

CREATE TABLE staff_users (
	id SERIAL NOT NULL, 
	station_id VARCHAR(40) NOT NULL, 
	name VARCHAR(40) NOT NULL, 
	password_hash VARCHAR(200) NOT NULL, 
	role VARCHAR(10) NOT NULL, 
	enabled BOOLEAN NOT NULL, 
	failed_logins INTEGER NOT NULL, 
	locked_until TIMESTAMP WITHOUT TIME ZONE, 
	created_at TIMESTAMP WITHOUT TIME ZONE NOT NULL, 
	PRIMARY KEY (id), 
	CONSTRAINT uq_staff_users_station_name UNIQUE (station_id, name)
);

CREATE TABLE staff_actions (
	id BIGSERIAL NOT NULL, 
	station_id VARCHAR(40) NOT NULL, 
	counter VARCHAR(20) NOT NULL, 
	staff VARCHAR(40) NOT NULL, 
	ticket_id VARCHAR(36) NOT NULL, 
	action VARCHAR(20) NOT NULL, 
	detail VARCHAR(200) NOT NULL, 
	at TIMESTAMP WITHOUT TIME ZONE NOT NULL, 
	PRIMARY KEY (id)
);

CREATE INDEX ix_staff_actions_station_id ON staff_actions (station_id);

CREATE TABLE service_requests (
	id VARCHAR(36) NOT NULL, 
	reference VARCHAR(12) NOT NULL, 
	event_id VARCHAR(36) NOT NULL, 
	station_id VARCHAR(40) NOT NULL, 
	kind VARCHAR(12) NOT NULL, 
	person_key VARCHAR(64) NOT NULL, 
	window_day DATE NOT NULL, 
	window_half VARCHAR(2) NOT NULL, 
	reason VARCHAR(40) NOT NULL, 
	details JSON NOT NULL, 
	status VARCHAR(12) NOT NULL, 
	scheduled_at TIMESTAMP WITHOUT TIME ZONE, 
	staff VARCHAR(40) NOT NULL, 
	note VARCHAR(200) NOT NULL, 
	created_at TIMESTAMP WITHOUT TIME ZONE NOT NULL, 
	updated_at TIMESTAMP WITHOUT TIME ZONE NOT NULL, 
	updated_by VARCHAR(40) NOT NULL, 
	PRIMARY KEY (id), 
	UNIQUE (reference)
);

CREATE INDEX ix_service_requests_station_id ON service_requests (station_id);

CREATE TABLE kiosks (
	id VARCHAR(40) NOT NULL, 
	station_id VARCHAR(40) NOT NULL, 
	secret VARCHAR(128) NOT NULL, 
	enabled BOOLEAN NOT NULL, 
	created_at TIMESTAMP WITHOUT TIME ZONE NOT NULL, 
	last_seen_at TIMESTAMP WITHOUT TIME ZONE, 
	last_heartbeat JSON, 
	clock_offset_s FLOAT NOT NULL, 
	pending_commands VARCHAR(200) NOT NULL, 
	PRIMARY KEY (id)
);

CREATE INDEX ix_kiosks_station_id ON kiosks (station_id);

CREATE TABLE nonces (
	kiosk_id VARCHAR(40) NOT NULL, 
	nonce VARCHAR(64) NOT NULL, 
	seen_at TIMESTAMP WITHOUT TIME ZONE NOT NULL, 
	PRIMARY KEY (kiosk_id, nonce)
);

CREATE INDEX ix_nonces_seen_at ON nonces (seen_at);

CREATE TABLE feed_clocks (
	feed VARCHAR(40) NOT NULL, 
	value BIGINT NOT NULL, 
	purged_below BIGINT NOT NULL, 
	epoch VARCHAR(16) NOT NULL, 
	PRIMARY KEY (feed)
);

CREATE TABLE feed_items (
	feed VARCHAR(40) NOT NULL, 
	id VARCHAR(40) NOT NULL, 
	version BIGINT NOT NULL, 
	deleted BOOLEAN NOT NULL, 
	data JSON NOT NULL, 
	updated_at TIMESTAMP WITHOUT TIME ZONE NOT NULL, 
	PRIMARY KEY (feed, id)
);

CREATE INDEX ix_feed_items_feed_version ON feed_items (feed, version);

CREATE TABLE events (
	id VARCHAR(36) NOT NULL, 
	kiosk_id VARCHAR(40) NOT NULL, 
	station_id VARCHAR(40) NOT NULL, 
	seq BIGINT NOT NULL, 
	type VARCHAR(40) NOT NULL, 
	occurred_at TIMESTAMP WITHOUT TIME ZONE NOT NULL, 
	received_at TIMESTAMP WITHOUT TIME ZONE NOT NULL, 
	payload JSON NOT NULL, 
	PRIMARY KEY (id)
);

CREATE INDEX ix_events_type ON events (type);

CREATE INDEX ix_events_station_id ON events (station_id);

CREATE INDEX ix_events_kiosk_id ON events (kiosk_id);

CREATE TABLE service_records (
	event_id VARCHAR(36) NOT NULL, 
	station_id VARCHAR(40) NOT NULL, 
	service VARCHAR(40) NOT NULL, 
	counter VARCHAR(20) NOT NULL, 
	ticket_id VARCHAR(36) NOT NULL, 
	issued_at TIMESTAMP WITHOUT TIME ZONE, 
	started_at TIMESTAMP WITHOUT TIME ZONE, 
	finished_at TIMESTAMP WITHOUT TIME ZONE, 
	person_key VARCHAR(64), 
	outcome VARCHAR(20) NOT NULL, 
	PRIMARY KEY (event_id)
);

CREATE INDEX ix_service_records_station_id ON service_records (station_id);

CREATE TABLE rejected_events (
	id VARCHAR(36) NOT NULL, 
	kiosk_id VARCHAR(40) NOT NULL, 
	type VARCHAR(40) NOT NULL, 
	reason VARCHAR(200) NOT NULL, 
	received_at TIMESTAMP WITHOUT TIME ZONE NOT NULL, 
	PRIMARY KEY (id)
);

CREATE TABLE station_configs (
	station_id VARCHAR(40) NOT NULL, 
	version INTEGER NOT NULL, 
	config JSON NOT NULL, 
	PRIMARY KEY (station_id)
);

CREATE TABLE call_clocks (
	station_id VARCHAR(40) NOT NULL, 
	value BIGINT NOT NULL, 
	PRIMARY KEY (station_id)
);

CREATE TABLE calls (
	station_id VARCHAR(40) NOT NULL, 
	seq BIGINT NOT NULL, 
	ticket_id VARCHAR(36) NOT NULL, 
	number VARCHAR(12) NOT NULL, 
	counter VARCHAR(20) NOT NULL, 
	service VARCHAR(40) NOT NULL, 
	called_at TIMESTAMP WITHOUT TIME ZONE NOT NULL, 
	PRIMARY KEY (station_id, seq)
);

CREATE TABLE settings (
	key VARCHAR(80) NOT NULL, 
	value TEXT NOT NULL, 
	PRIMARY KEY (key)
);
