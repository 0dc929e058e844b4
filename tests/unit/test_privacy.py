import logging

from kiosk.domain.privacy import RedactingFilter, mask_id_number, mask_name, mask_phone, redact


def test_masks():
    assert mask_id_number("12010419800101123X") == "120104********123X"
    assert mask_phone("13812345678") == "138****5678"
    assert mask_name("张三") == "张*"
    assert mask_name("欧阳娜娜") == "欧***"


def test_redact_finds_numbers_in_text():
    text = "card 12010419800101123X phone 13812345678 order 2024"
    out = redact(text)
    assert "12010419800101123X" not in out and "13812345678" not in out
    assert "120104********123X" in out and "138****5678" in out and "order 2024" in out


def test_log_filter_masks_args(caplog):
    logger = logging.getLogger("kiosk.test.privacy")
    logger.addFilter(RedactingFilter())
    with caplog.at_level(logging.INFO, logger="kiosk.test.privacy"):
        logger.info("read card %s", "12010419800101123X")
    assert "12010419800101123X" not in caplog.text
    assert "120104********123X" in caplog.text


def test_log_filter_masks_exception_and_stack_text():
    """``log.exception`` prints the exception's message and traceback after the record's message;
    they are masked too, in the text the handler writes."""
    import io

    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(levelname)s %(message)s"))
    handler.addFilter(RedactingFilter())
    logger = logging.getLogger("kiosk.test.privacy.exc")
    logger.addHandler(handler)
    try:
        try:
            raise ValueError("no resident 12010419800101123X with phone 13812345678")
        except ValueError:
            logger.exception("lookup failed")
        logger.warning("here", stack_info=True, extra={})
    finally:
        logger.removeHandler(handler)
    text = stream.getvalue()
    assert "12010419800101123X" not in text and "13812345678" not in text
    assert "ValueError: no resident 120104********123X with phone 138****5678" in text
    assert "Traceback" in text and "Stack (most recent call last)" in text
