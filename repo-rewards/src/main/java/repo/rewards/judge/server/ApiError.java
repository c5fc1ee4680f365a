package repo.rewards.judge.server;

/** A request the client got wrong (or one the server cannot take now): its HTTP status and an OpenAI error body. */
final class ApiError extends RuntimeException {
    final int status;
    final String type;
    final String code;
    final String param;

    ApiError(int status, String type, String code, String param, String message) {
        super(message, null, false, false);
        this.status = status;
        this.type = type;
        this.code = code;
        this.param = param;
    }

    ApiError(int status, String type, String code, String message) {
        this(status, type, code, null, message);
    }

    /** A 400 that names no parameter. */
    static ApiError bad(String message) {
        return new ApiError(400, "invalid_request_error", null, null, message);
    }

    /** A 400 naming the parameter at fault. */
    static ApiError badParam(String param, String message) {
        return new ApiError(400, "invalid_request_error", null, param, message);
    }
}
