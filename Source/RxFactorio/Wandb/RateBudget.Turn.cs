namespace RxFactorio.Wandb;

/// <content>A request's turn.</content>
internal sealed partial class RateBudget
{
    /// <summary>One request's turn: granted, then told the response, then disposed.</summary>
    internal sealed class Turn : IDisposable
    {
        private readonly RateBudget _budget;
        private readonly TaskCompletionSource _granted = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _finished;

        internal Turn(RateBudget budget, string lane)
        {
            _budget = budget;
            Lane = lane;
        }

        /// <summary>Whose request it is.</summary>
        public string Lane { get; }

        /// <summary>True when this request goes alone to see whether the server takes requests again.</summary>
        public bool IsProbe { get; internal set; }

        internal bool IsGranted { get; private set; }

        internal bool IsCancelled { get; set; }

        internal Task Granted => _granted.Task;

        /// <summary>Tells the budget what the server answered (null: no response).</summary>
        public void Observe(HttpResponseMessage? response) => _budget.Observe(this, response);

        /// <inheritdoc/>
        public void Dispose()
        {
            if (IsGranted && Interlocked.Exchange(ref _finished, 1) == 0)
            {
                _budget.Finish(this);
            }
        }

        internal void Grant()
        {
            IsGranted = true;
            _granted.TrySetResult();
        }

        internal void Fail(Exception e) => _granted.TrySetException(e);

        internal void Cancel(CancellationToken token)
        {
            _budget.Cancelled(this);
            if (IsCancelled)
            {
                _granted.TrySetCanceled(token);
            }
        }
    }
}
