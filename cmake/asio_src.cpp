// The one translation unit that compiles Asio and Beast (their separate-compilation mode).
#include <boost/asio/impl/src.hpp>
#include <boost/asio/ssl/impl/src.hpp>
#include <boost/beast/src.hpp>
