//! The server's connections: at most `MAX_CONNECTIONS` open at once, and each must send a
//! request's headers within `HEADER_TIMEOUT` of its first byte (or of being accepted) and
//! start its next request within `IDLE_TIMEOUT`, so that clients which open connections and
//! send requests slowly, or never, cannot hold the server. Knows nothing of HTTP beyond where
//! a request's headers end.

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::time::{Instant, Sleep};

/// The most connections open at once; more wait in the system's queue until one closes.
pub const MAX_CONNECTIONS: usize = 256;

/// How long a request's headers may take to arrive, from its first byte (or from the
/// connection being accepted).
pub const HEADER_TIMEOUT: Duration = Duration::from_secs(10);

/// How long a connection may stay open between requests.
pub const IDLE_TIMEOUT: Duration = Duration::from_secs(60);

/// A TCP listener that caps open connections and times out slow headers.
pub struct Guarded {
    listener: TcpListener,
    permits: Arc<Semaphore>,
}

impl Guarded {
    /// Wraps a bound listener.
    pub fn new(listener: TcpListener) -> Self {
        Self { listener, permits: Arc::new(Semaphore::new(MAX_CONNECTIONS)) }
    }
}

impl axum::serve::Listener for Guarded {
    type Io = GuardedStream;
    type Addr = std::net::SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        // A permit first: at the cap, connections wait in the listen queue, not in memory.
        // The semaphore is never closed; were it, serve without the cap.
        let permit = Arc::clone(&self.permits).acquire_owned().await.ok();
        loop {
            match self.listener.accept().await {
                Ok((stream, addr)) => {
                    let stream = GuardedStream {
                        inner: stream,
                        _permit: permit,
                        deadline: Box::pin(tokio::time::sleep(HEADER_TIMEOUT)),
                        in_headers: true,
                        tail: 0,
                    };
                    return (stream, addr);
                }
                // Out of file descriptors and the like: wait a little, as axum does.
                Err(_) => tokio::time::sleep(Duration::from_millis(50)).await,
            }
        }
    }

    fn local_addr(&self) -> io::Result<Self::Addr> {
        self.listener.local_addr()
    }
}

/// A connection that fails its reads once its deadline passes: `HEADER_TIMEOUT` while a
/// request's headers are arriving, `IDLE_TIMEOUT` after they are complete.
pub struct GuardedStream {
    inner: TcpStream,
    _permit: Option<OwnedSemaphorePermit>,
    deadline: Pin<Box<Sleep>>,
    /// Whether the bytes being read are a request's headers.
    in_headers: bool,
    /// The last four bytes read, to find the blank line that ends the headers.
    tail: u32,
}

impl GuardedStream {
    /// Follows the request boundaries in newly read bytes, resetting the deadline.
    fn track(&mut self, bytes: &[u8]) {
        for &b in bytes {
            if !self.in_headers {
                // The first byte of the next request.
                self.in_headers = true;
                self.tail = 0;
                self.deadline.as_mut().reset(Instant::now() + HEADER_TIMEOUT);
            }
            self.tail = (self.tail << 8) | u32::from(b);
            if self.tail == u32::from_be_bytes(*b"\r\n\r\n") || self.tail & 0xffff == 0x0a0a {
                self.in_headers = false;
                self.deadline.as_mut().reset(Instant::now() + IDLE_TIMEOUT);
            }
        }
    }
}

impl AsyncRead for GuardedStream {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let before = buf.filled().len();
        match Pin::new(&mut this.inner).poll_read(cx, buf) {
            Poll::Ready(Ok(())) => {
                let filled = buf.filled()[before..].to_vec();
                this.track(&filled);
                Poll::Ready(Ok(()))
            }
            Poll::Ready(Err(e)) => Poll::Ready(Err(e)),
            Poll::Pending => match this.deadline.as_mut().poll(cx) {
                Poll::Ready(()) => Poll::Ready(Err(io::Error::new(
                    io::ErrorKind::TimedOut,
                    "the request took too long to arrive",
                ))),
                Poll::Pending => Poll::Pending,
            },
        }
    }
}

impl AsyncWrite for GuardedStream {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().inner).poll_write(cx, buf)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_shutdown(cx)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().inner).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }
}
